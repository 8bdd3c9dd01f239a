const suites: Record<string, () => Promise<void>> = {
  ledger: async () => (await import('./ledger.ts')).run(),
  payments: async () => (await import('./payments.ts')).run(),
  risk: async () => (await import('./risk.ts')).run(),
  lending: async () => (await import('./lending.ts')).run(),
  dayclose: async () => (await import('./dayclose.ts')).run(),
  'audit-chain': async () => (await import('./audit-chain.ts')).run(),
  credit: async () => (await import('./credit.ts')).run(),
  wealth: async () => (await import('./wealth.ts')).run(),
  analytics: async () => (await import('./analytics.ts')).run(),
  crm: async () => (await import('./crm.ts')).run(),
};

const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const chosen = asked.length > 0 ? asked : Object.keys(suites);
for (const name of chosen) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark suite ${name}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`== bench ${name} ==`);
  await suite();
}
console.log('results written to bench/RESULTS.md');
process.exit(0);
