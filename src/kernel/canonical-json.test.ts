import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson, canonicalSha256 } from './canonical-json.ts';

/** A double from its IEEE 754 bit pattern, as RFC 8785's Appendix B gives its number samples. */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 JSON Canonicalization Scheme', () => {
  it('sorts member names by UTF-16 code units, not by code points or locale (the RFC sorting example)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // By code points U+1F600 would sort after U+FB33; by UTF-16 its high surrogate 0xD83D sorts first.
    expect(canonicalJson({ '\ufb33': 1, '\u{1F600}': 2 })).toBe('{"😀":2,"\ufb33":1}');
  });

  it('writes the RFC main example: numbers, escapes and literals, with no whitespace', () => {
    const input = JSON.parse(
      '{ "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
        '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n' +
        '  "literals": [null, true, false] }',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('writes numbers as ECMAScript does (the RFC Appendix B samples)', () => {
    const samples: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'], // -0
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555555', '333333333.3333333'],
    ];
    for (const [bits, text] of samples) expect(canonicalJson(double(bits)), bits).toBe(text);
    expect(canonicalJson([-0, 1e21, 1e20, 0.1])).toBe('[0,1e+21,100000000000000000000,0.1]');
  });

  it('escapes strings as JSON.stringify does: short forms, lower-case \\u00xx, the rest verbatim', () => {
    expect(canonicalJson('\b\t\n\f\r\u0001\u001f"\\/é\u2028')).toBe(
      '"\\b\\t\\n\\f\\r\\u0001\\u001f\\"\\\\/é\u2028"',
    );
  });

  it('sorts nested objects, keeps array order, and leaves out undefined members as JSON.stringify does', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }, 'x'], a: { d: undefined, c: null } })).toBe(
      '{"a":{"c":null},"b":[{"a":2,"z":1},"x"]}',
    );
    expect(canonicalJson({ at: new Date('2026-01-05T02:00:00.000Z') })).toBe(
      '{"at":"2026-01-05T02:00:00.000Z"}',
    );
  });

  it('writes a hole in a sparse array as null, as JSON.stringify does', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is tested
    const sparse = [1, , 2];
    expect(canonicalJson(sparse)).toBe(JSON.stringify(sparse));
    expect(canonicalJson(sparse)).toBe('[1,null,2]');
  });

  it('refuses what JSON cannot carry faithfully instead of changing it', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1n, '\ud800', { '\udc00': 1 }, [undefined]])
      expect(() => canonicalJson(bad)).toThrow(CanonicalJsonError);
  });

  it('digests the canonical text, so key order does not change the digest but a value does', () => {
    const a = canonicalSha256({ x: 1, y: 'два' });
    expect(a).toBe(canonicalSha256(JSON.parse('{"y":"два","x":1.0}')));
    expect(a).not.toBe(canonicalSha256({ x: 2, y: 'два' }));
    // SHA-256 of the UTF-8 bytes of the texts, computed independently of this code (sha256sum).
    expect(a).toBe('0856fc3ca5ce13fcedcd5b119fa87dd01966794687adbaa11d6e4aff4f4ef84c');
    expect(canonicalSha256({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
