/**
 * Bench runner: `npm run bench -- policy` runs `node --import tsx bench/run.ts policy`, which
 * imports `./policy.ts` and calls its `run()`. With no names, every known bench runs.
 */
const KNOWN = ['policy', 'policy-adversarial', 'paging'];

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of names.length > 0 ? names : KNOWN) {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad bench name ${name}`);
  const mod = (await import(new URL(`./${name}.ts`, import.meta.url).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`bench/${name}.ts exports no run()`);
  console.log(`# bench ${name}`);
  await mod.run();
}
