/**
 * Notifications of a decision: a Slack message, and a JSON webhook signed as GitHub
 * signs its own (X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>), so
 * existing receivers verify it and can reject replays by delivery id and timestamp. Pure.
 */
import { createHmac } from 'node:crypto';
import { decisionWords } from './headline.js';
import type { Report } from './report.js';
import { describeTarget } from './target.js';

export const DEFAULT_NOTIFY_ON = ['promoted', 'rejected', 'rolled-back'];

export function slackMessage(report: Report, runUrl?: string): { text: string } {
  const words = decisionWords(report);
  const why = report.reasons.slice(0, 3).join('; ');
  // Slack's mrkdwn: &, < and > must be escaped.
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    text: `${words.mark} *${esc(report.model)}* v${esc(report.version)}: *${esc(words.label + words.detail)}* (${esc(describeTarget(report.target))})${why ? `\n${esc(why)}` : ''}${runUrl ? `\n<${runUrl}|workflow run>` : ''}`,
  };
}

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

export function signedWebhook(
  report: Report,
  secret: string | undefined,
  delivery: string,
  timestamp: string,
): SignedDelivery {
  const body = JSON.stringify({ delivery, timestamp, event: 'mlflow-promotion-gate', report });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'mlflow-promotion-gate',
      'x-gate-delivery': delivery,
      'x-gate-timestamp': timestamp,
      ...(secret ? { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` } : {}),
    },
  };
}
