-- Keys added before this change count as added without user verification: they keep working as a
-- second factor after the password, and sign in on their own (passkey) only once removed and added again.
ALTER TABLE `webauthn_credentials` ADD `uv_initialized` integer DEFAULT false NOT NULL;
