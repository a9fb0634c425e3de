-- The later time step a failed code was told it matches (the clock-drift hint): never accepted.
ALTER TABLE `users` ADD `totp_hinted_step` integer;
