import { describe, expect, it } from 'vitest';
import { identifyCard, luhnValid, withLuhnDigit } from './bank-card.ts';
import { maskCardNumber, maskIdNumber, maskName, maskPhone } from './masking.ts';
import { Vault } from './vault.ts';

describe('bank cards', () => {
  it('checks the Luhn digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid(withLuhnDigit('622202123456789012'))).toBe(true);
  });

  it('names the issuing bank from the BIN', () => {
    const card = identifyCard(withLuhnDigit('622848000011112222'));
    expect(card).toMatchObject({ ok: true, value: { bank: { code: 'ABC', nameZh: '中国农业银行' } } });
    expect(identifyCard(withLuhnDigit('999999000011112222'))).toEqual({
      ok: false,
      error: 'card_issuer_unsupported',
    });
    expect(identifyCard('6222 0200 0000 0000')).toMatchObject({ ok: false });
    expect(identifyCard('62220')).toEqual({ ok: false, error: 'card_number_malformed' });
  });
});

describe('masking', () => {
  it('masks as the issue shows', () => {
    expect(maskCardNumber('6222021234561234')).toBe('6222 **** **** 1234');
    expect(maskIdNumber('110105194912310021')).toBe('110***********0021');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });
});

describe('the personal data vault', () => {
  const vault = new Vault(Buffer.alloc(32, 1));

  it('encrypts with a fresh nonce each time and decrypts', () => {
    const a = vault.encrypt('110105194912310021');
    const b = vault.encrypt('110105194912310021');
    expect(a).not.toBe(b);
    expect(a).not.toContain('1949');
    expect(vault.decrypt(a)).toBe('110105194912310021');
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = vault.encrypt('13812345678');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => vault.decrypt(parts.join('.'))).toThrow();
  });

  it('gives stable keyed hashes that differ between keys', () => {
    expect(vault.lookupHash('13812345678')).toBe(vault.lookupHash('13812345678'));
    expect(new Vault(Buffer.alloc(32, 2)).lookupHash('13812345678')).not.toBe(
      vault.lookupHash('13812345678'),
    );
  });
});
