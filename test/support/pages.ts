/** Every name of a page-by-page search, in order (the registry port's searchModelNames). */
export async function allNames(pages: AsyncIterable<string[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}
