import type { Messages } from '../../i18n/index.ts';

/** A customer's contracts and the verification of a contract PDF (shared with the staff pages). */
const messages: Messages = {
  namespace: 'contracts',
  en: {
    nav: 'My contracts',
    contract: 'Contract',
    download: 'Download contract {{number}} in {{language}}',
    language: { zh: 'Chinese (governing)', en: 'English' },
    kind: {
      loan: 'Loan agreement',
      note_transfer: 'Note transfer',
      credit_line: 'Credit line agreement',
      wealth_product: 'Wealth product',
    },
    role: {
      borrower: 'Borrower',
      lender: 'Lender',
      seller: 'Seller',
      buyer: 'Buyer',
      customer: 'Customer',
      platform: 'Platform',
    },
    field: {
      number: 'Contract number',
      kind: 'Kind',
      role: 'My role',
      signedAt: 'Signed',
      documents: 'Documents',
      language: 'Language',
    },
    mine: {
      title: 'My contracts',
      governing: 'Every contract comes in Chinese and English; the Chinese text governs.',
      empty: 'No contracts yet. A loan, a note you buy or sell, or a credit line brings one.',
      rendering: 'Being prepared',
    },
    verify: {
      title: 'Verify a contract',
      explain:
        'Choose a contract PDF you received. netfin compares its SHA-256 fingerprint with the documents it signed: a match means not one byte has changed.',
      choose: 'Choose a PDF',
      match: 'This is a contract netfin signed, unchanged.',
      noMatch:
        'No contract netfin signed has this fingerprint: the file is not one of ours, or it was changed.',
    },
  },
  zh: {
    nav: '我的合同',
    contract: '合同',
    download: '下载合同 {{number}}（{{language}}）',
    language: { zh: '中文（以此为准）', en: '英文' },
    kind: {
      loan: '借款合同',
      note_transfer: '债权转让协议',
      credit_line: '授信额度合同',
      wealth_product: '理财产品合同',
    },
    role: {
      borrower: '借款人',
      lender: '出借人',
      seller: '转让人',
      buyer: '受让人',
      customer: '客户',
      platform: '平台',
    },
    field: {
      number: '合同编号',
      kind: '类型',
      role: '我的身份',
      signedAt: '签署时间',
      documents: '文件',
      language: '语言',
    },
    mine: {
      title: '我的合同',
      governing: '每份合同均有中英文两个版本，以中文版本为准。',
      empty: '暂无合同。借款、买卖债权或开通授信额度后，合同会显示在这里。',
      rendering: '正在生成',
    },
    verify: {
      title: '验证合同',
      explain:
        '选择您收到的合同 PDF。netfin 会将其 SHA-256 指纹与已签署的文件比对：一致即表示文件未被改动过任何字节。',
      choose: '选择 PDF 文件',
      match: '这是 netfin 签署的合同，内容未被改动。',
      noMatch: '没有与此指纹一致的 netfin 合同：该文件不是 netfin 签署的，或已被改动。',
    },
  },
};
export default messages;
