CREATE TABLE `passkey_challenges` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`challenge` varchar(64) NOT NULL,
	`purpose` varchar(16) NOT NULL,
	`user_id` bigint unsigned,
	`expires_at` datetime(3) NOT NULL,
	CONSTRAINT `passkey_challenges_id` PRIMARY KEY(`id`),
	CONSTRAINT `passkey_challenges_challenge_unique` UNIQUE(`challenge`)
);
--> statement-breakpoint
CREATE TABLE `passkeys` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`name` varchar(191) NOT NULL,
	`credential_id` text NOT NULL,
	`credential_hash` varchar(64) NOT NULL,
	`public_key` text NOT NULL,
	`counter` bigint unsigned NOT NULL DEFAULT 0,
	`transports` json NOT NULL,
	`device_type` varchar(16) NOT NULL,
	`backed_up` boolean NOT NULL DEFAULT false,
	`aaguid` varchar(36) NOT NULL DEFAULT '',
	`last_used_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `passkeys_id` PRIMARY KEY(`id`),
	CONSTRAINT `passkeys_uuid_unique` UNIQUE(`uuid`),
	CONSTRAINT `passkeys_credential_hash_unique` UNIQUE(`credential_hash`)
);
--> statement-breakpoint
ALTER TABLE `users` ADD `require_two_factor` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `passkey_count` int unsigned DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `servers` ADD `require_two_factor` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `passkey_challenges` ADD CONSTRAINT `passkey_challenges_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `passkeys` ADD CONSTRAINT `passkeys_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `passkey_challenges_expires_idx` ON `passkey_challenges` (`expires_at`);--> statement-breakpoint
CREATE INDEX `passkeys_user_id_idx` ON `passkeys` (`user_id`);