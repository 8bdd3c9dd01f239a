import { ADMIN_TOKEN } from '../identity/index.ts';
import type { Platform } from './platform.ts';

/**
 * The demo's watch list, so that the compliance officer's screening queue has something in it: one
 * entry whose pinyin is a demo borrower's name (a common name: the kind of candidate an officer
 * decides as a false positive), and fictional people nobody in the demo is.
 */
const DEMO_WATCH_LIST = [
  'name,aliases,id_number,birth_date,source,reason',
  'Zhang Wei,,,1961-03-02,Demo sanctions list,Fictional entry for the demo',
  '赵明辉,Zhao Minghui,,1975-08-19,Demo sanctions list,Fictional entry for the demo',
  '"Petrov, Ivan",Ivan Petrov,,1968-11-30,Demo sanctions list,Fictional entry for the demo',
].join('\n');

export async function seedComplianceDemo(platform: Platform): Promise<void> {
  const context = { principal: ADMIN_TOKEN, ip: '127.0.0.1' };
  await platform.compliance.screening.upload('示例制裁名单 Demo sanctions list', DEMO_WATCH_LIST, context);
  await platform.compliance.screening.settled();
}
