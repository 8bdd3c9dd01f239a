import type { Messages } from '../../i18n/index.ts';

/** The customer's chat panel. */
const messages: Messages = {
  namespace: 'chat',
  en: {
    open: 'Chat with us',
    title: 'Customer service',
    close: 'Close the chat',
    empty: 'Ask us anything: an agent answers here.',
    placeholder: 'Write a message',
    send: 'Send',
    me: 'You',
    agent: 'Customer service',
    closed: 'This conversation is closed.',
    newChat: 'Start a new conversation',
    rate: 'How did we do?',
    comment: 'A comment (optional)',
    submitRating: 'Rate',
    thanks: 'Thank you for your rating.',
  },
  zh: {
    open: '联系客服',
    title: '在线客服',
    close: '关闭聊天',
    empty: '有任何问题请在这里提问，客服会在此回复。',
    placeholder: '输入消息',
    send: '发送',
    me: '我',
    agent: '客服',
    closed: '本次会话已结束。',
    newChat: '开始新的会话',
    rate: '请为本次服务评分',
    comment: '评价（可选）',
    submitRating: '提交评分',
    thanks: '感谢您的评价。',
  },
};
export default messages;
