import { describe, expect, it } from 'vitest';
import { plainDate } from '../kernel/index.ts';
import { ageOn, checkCharacter, parseIdCard, withCheckCharacter } from './id-card.ts';

const today = plainDate('2026-11-23');

describe('resident identity card numbers', () => {
  it('computes the ISO 7064 MOD 11-2 check character (GB 11643 example)', () => {
    // The standard's own example: 11010519491231002 → X.
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(parseIdCard('11010519491231002X', today)).toMatchObject({
      ok: true,
      value: { birthDate: '1949-12-31', sex: 'female' },
    });
    expect(parseIdCard('11010519491231002x', today).ok).toBe(true);
  });

  it.each([
    ['11010519491231002', 'id_number_malformed'],
    ['11010519491231002Y', 'id_number_malformed'],
    ['110105194912310021', 'id_number_checksum_invalid'],
    [withCheckCharacter('99010519491231002'), 'id_number_region_invalid'],
    [withCheckCharacter('11000019491231002'), 'id_number_region_invalid'],
    [withCheckCharacter('11010519490231002'), 'id_number_birth_date_invalid'],
    [withCheckCharacter('11010520300101002'), 'id_number_birth_date_invalid'],
    [withCheckCharacter('11010518800101002'), 'id_number_birth_date_invalid'],
  ])('refuses %s with %s', (number, code) => {
    expect(parseIdCard(number, today)).toEqual({ ok: false, error: code });
  });

  it('computes age in whole years', () => {
    expect(ageOn(plainDate('2000-11-23'), today)).toBe(26);
    expect(ageOn(plainDate('2000-11-24'), today)).toBe(25);
    expect(ageOn(plainDate('2008-02-29'), plainDate('2026-02-28'))).toBe(17);
  });
});
