import { describe, expect, it } from 'vitest';
import { descriptorChecksum } from './descriptorChecksum.js';
import { parseDescriptor } from './parseDescriptor.js';

// Bitcoin Core src/test/descriptor_tests.cpp, "Checksums": a 2-of-2 sh(multi) in its
// private (xprv) and public (xpub) spelling, each with the checksum Core computes.
const CORE_PRV =
  "sh(multi(2,[00000000/111'/222]xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc,xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJFjaPdGZ2y9WACViL4L/0))";
const CORE_PUB =
  "sh(multi(2,[00000000/111'/222]xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL,xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLPxSb7gwQN3ih19Zm4Y/0))";
// Bitcoin Core test/functional/rpc_deriveaddresses.py: regtest keys and checksums.
const CORE_TPUB =
  'tpubD6NzVbkrYhZ4WaWSyoBvQwbpLkojyoTZPRsgXELWz3Popb3qkjcJyJUGLnL4qHHoQvao8ESaAstxYSnhyswJ76uZPStJRJCTKvosUCJZL5B';
const CORE_TPRV =
  'tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK';

const checksums = [
  // BIP-380 "Test Vectors"
  { descriptor: 'raw(deadbeef)', checksum: '89f8spxm' },
  // descriptor_tests.cpp
  { descriptor: CORE_PRV, checksum: 'ggrsrxfy' },
  { descriptor: CORE_PUB, checksum: 'tjg09x5t' },
  { descriptor: CORE_PUB.replace('multi(2,', 'multi(3,'), checksum: 'd4x0uxyv' },
  // rpc_deriveaddresses.py
  { descriptor: `wpkh(${CORE_TPRV}/1/1/0)`, checksum: 't6wfjs64' },
  { descriptor: `wpkh(${CORE_TPUB}/1/1/0)`, checksum: 's9ga3alw' },
  { descriptor: `wpkh(${CORE_TPRV}/1/1/*)`, checksum: 'kft60nuy' },
] as const;

describe('descriptorChecksum', () => {
  it.each(checksums)('$checksum', ({ descriptor, checksum }) => {
    expect(descriptorChecksum(descriptor)).toBe(checksum);
  });

  it('refuses a character outside BIP-380 character set', () => {
    expect(() => descriptorChecksum('raw(Ü)')).toThrow(RangeError);
  });
});

// The same vectors through parseDescriptor: a raw() or multi() descriptor whose checksum
// holds is refused for its shape (UNSUPPORTED_DESCRIPTOR), one whose checksum fails for that.
const checked = [
  // BIP-380 "Test Vectors"
  { name: 'valid checksum', input: 'raw(deadbeef)#89f8spxm', code: 'UNSUPPORTED_DESCRIPTOR' },
  { name: 'no checksum', input: 'raw(deadbeef)', code: 'UNSUPPORTED_DESCRIPTOR' },
  { name: 'missing checksum', input: 'raw(deadbeef)#', code: 'BAD_CHECKSUM' },
  { name: 'too long checksum', input: 'raw(deadbeef)#89f8spxmx', code: 'BAD_CHECKSUM' },
  { name: 'too short checksum', input: 'raw(deadbeef)#89f8spx', code: 'BAD_CHECKSUM' },
  { name: 'error in payload', input: 'raw(deedbeef)#89f8spxm', code: 'BAD_CHECKSUM' },
  { name: 'error in checksum', input: 'raw(deedbeef)##9f8spxm', code: 'BAD_CHECKSUM' },
  { name: 'invalid characters', input: 'raw(Ü)#00000000', code: 'UNSUPPORTED_DESCRIPTOR' },
  // descriptor_tests.cpp
  { name: 'Core: valid', input: `${CORE_PUB}#tjg09x5t`, code: 'UNSUPPORTED_DESCRIPTOR' },
  { name: 'Core: empty checksum', input: `${CORE_PUB}#`, code: 'BAD_CHECKSUM' },
  { name: 'Core: too long', input: `${CORE_PUB}#tjg09x5tq`, code: 'BAD_CHECKSUM' },
  { name: 'Core: too short', input: `${CORE_PUB}#tjg09x5`, code: 'BAD_CHECKSUM' },
  {
    name: 'Core: error in payload',
    input: `${CORE_PUB.replace('multi(2,', 'multi(3,')}#tjg09x5t`,
    code: 'BAD_CHECKSUM',
  },
  { name: 'Core: error in checksum', input: `${CORE_PUB}#tjq09x4t`, code: 'BAD_CHECKSUM' },
  { name: "Core: two '#'", input: `${CORE_PUB}##tjq09x4t`, code: 'BAD_CHECKSUM' },
  // a private key is refused before its checksum is even read
  { name: 'Core: xprv, valid', input: `${CORE_PRV}#ggrsrxfy`, code: 'PRIVATE_KEY_REFUSED' },
  { name: 'Core: xprv, wrong', input: `${CORE_PRV}#ggssrxfy`, code: 'PRIVATE_KEY_REFUSED' },
  // rpc_deriveaddresses.py: a valid checksum, then refused for its single key (no /*)
  { name: 'Core: tpub, valid', input: `wpkh(${CORE_TPUB}/1/1/0)#s9ga3alw`, code: 'UNSUPPORTED_DESCRIPTOR' },
  { name: 'Core: tpub, wrong', input: `wpkh(${CORE_TPUB}/1/1/1)#s9ga3alw`, code: 'BAD_CHECKSUM' },
] as const;

describe('parseDescriptor checks the checksum', () => {
  it.each(checked)('$name: $code', ({ input, code }) => {
    const network = input.includes('tpub') ? 'regtest' : 'mainnet';
    expect(parseDescriptor(input, network)).toMatchObject({ ok: false, code });
  });

  it('accepts a descriptor with its right checksum and refuses it with a wrong one', () => {
    const body = `wpkh(${CORE_TPUB}/0/*)`;
    const good = `${body}#${descriptorChecksum(body)}`;
    expect(parseDescriptor(good, 'regtest')).toMatchObject({ ok: true });
    const bad = `${body}#${descriptorChecksum(body.replace('/0/*', '/5/0/*'))}`;
    const parsed = parseDescriptor(bad, 'regtest');
    expect(parsed).toMatchObject({ ok: false, code: 'BAD_CHECKSUM' });
    if (!parsed.ok) expect(parsed.message).toMatch(/does not match/);
  });
});
