// Store-independent (modules and worker threads only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import bcryptjs from 'bcryptjs';
import { chooseHasher, describeHasher } from './hasher';
import { PasswordPool } from './password-pool';

test('the native bcrypt is chosen where it loads, and bcryptjs when asked for', () => {
  assert.deepEqual(chooseHasher('bcrypt'), { name: 'bcrypt' });
  assert.deepEqual(chooseHasher('bcryptjs'), { name: 'bcryptjs' });
  assert.equal(describeHasher({ name: 'bcrypt' }, 12), 'Password hashing: native bcrypt, cost 12');
});

test('bcryptjs serves, and says why, when the native module does not load or does not check a bcryptjs hash', () => {
  const missing = chooseHasher('bcrypt', () => {
    throw new Error("Cannot find module 'bcrypt'\nRequire stack: …");
  });
  assert.deepEqual(missing, { name: 'bcryptjs', fallback: "the native bcrypt module does not load here (Cannot find module 'bcrypt')" });
  assert.match(describeHasher(missing, 12), /^Password hashing: bcryptjs, cost 12 \(the native bcrypt module does not load here .*; bcryptjs is used instead\)$/);
  const wrong = chooseHasher('bcrypt', () => ({ compareSync: () => false, hashSync: () => '' }));
  assert.deepEqual(wrong, { name: 'bcryptjs', fallback: 'the native bcrypt module does not check a bcryptjs hash' });
});

test('native and bcryptjs hashes are the same format at the same cost, and each checks the other', async () => {
  const native = new PasswordPool(1, 4, undefined, 'bcrypt');
  const js = new PasswordPool(1, 4, undefined, 'bcryptjs');
  try {
    const fromNative = await native.hash('correct horse', 5);
    const fromJs = await js.hash('correct horse', 5);
    for (const hash of [fromNative, fromJs]) assert.match(hash, /^\$2b\$05\$[./A-Za-z0-9]{53}$/);
    assert.equal(await js.compare('correct horse', fromNative), true);
    assert.equal(await native.compare('correct horse', fromJs), true);
    assert.equal(await native.compare('wrong horse', fromJs), false);
    // Each pool runs the implementation it was given (their refusals of a number differ).
    await assert.rejects(native.hash(123 as unknown as string, 4), /data must be a string or Buffer/);
    await assert.rejects(js.hash(123 as unknown as string, 4), /Illegal arguments/);
    // The hash stored before the switch (bcryptjs, the only implementation until now) still signs in.
    assert.equal(await native.compare('deskgate', bcryptjs.hashSync('deskgate', 4)), true);
  } finally {
    await Promise.all([native.close(), js.close()]);
  }
});
