/**
 * Sends the notifications the inputs ask for. A notification that fails is a
 * warning, never a changed decision.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { signedWebhook, slackMessage } from './core/notification.js';
import type { Report } from './core/report.js';

export interface NotifySettings {
  slackWebhookUrl?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  notifyOn: string[];
}

export async function notify(
  report: Report,
  s: NotifySettings,
  ctx: { runUrl?: string; now: string },
  warn: (m: string) => void,
): Promise<void> {
  if (!s.notifyOn.includes(report.decision)) return;
  const sends: Array<Promise<void>> = [];
  const post = async (what: string, url: string, body: string, headers: Record<string, string>) => {
    try {
      const res = await request(url, { method: 'POST', body, headers, headersTimeout: 10_000, bodyTimeout: 10_000 });
      await res.body.dump();
      if (res.statusCode >= 300) warn(`the ${what} notification was refused with status ${res.statusCode}`);
    } catch (err) {
      // The URL is a secret (Slack's carries its token): never in the message.
      warn(`the ${what} notification could not be sent (${(err as { code?: string }).code ?? (err as Error).name})`);
    }
  };
  if (s.slackWebhookUrl)
    sends.push(
      post('Slack', s.slackWebhookUrl, JSON.stringify(slackMessage(report, ctx.runUrl)), {
        'content-type': 'application/json',
      }),
    );
  if (s.webhookUrl) {
    const d = signedWebhook(report, s.webhookSecret, randomUUID(), ctx.now);
    sends.push(post('webhook', s.webhookUrl, d.body, d.headers));
  }
  await Promise.all(sends);
}
