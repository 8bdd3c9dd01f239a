/** Says which database the suite runs on, so that CI output shows both runs. */
export default function setup(): void {
  const url = process.env.DATABASE_URL;
  const target = url ? `PostgreSQL (${url.replace(/\/\/[^@/]*@/, '//***@')})` : 'embedded PGlite';
  console.log(`\nnetfin test suite on ${target}\n`);
}
