import type { Messages } from '../i18n/index.ts';

/** The visitor's frame (VisitorShell): header, risk notice and footer before signing in. */
const messages: Messages = {
  namespace: 'visitor',
  en: {
    menu: 'Site',
    listings: 'Open listings',
    crowdfunding: 'Crowdfunding',
    disclosure: 'Disclosure',
    riskNotice: 'Investing involves risk; lend with care.',
    riskDetail:
      'Past returns do not promise future returns. Loans may be repaid late or not at all; the risk reserve is limited to what it holds.',
    footer: 'netfin, a demonstration of peer-to-peer lending, payments and wealth management',
  },
  zh: {
    menu: '网站导航',
    listings: '在售借款',
    crowdfunding: '众筹',
    disclosure: '信息披露',
    riskNotice: '投资有风险，出借需谨慎',
    riskDetail: '历史收益不代表未来收益。借款可能逾期或无法收回；风险备付金以其余额为限。',
    footer: 'netfin：网络借贷、支付与理财的演示平台',
  },
};
export default messages;
