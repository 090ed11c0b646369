CREATE TABLE `users` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`username` varchar(191),
	`email` varchar(191) NOT NULL,
	`password` varchar(255),
	`root_admin` boolean NOT NULL DEFAULT false,
	`suspended` boolean NOT NULL DEFAULT false,
	`status` varchar(16) NOT NULL DEFAULT 'active',
	`totp_enabled` boolean NOT NULL DEFAULT false,
	`totp_secret` text,
	`totp_last_step` bigint,
	`session_epoch` int NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_uuid_unique` UNIQUE(`uuid`),
	CONSTRAINT `users_username_unique` UNIQUE(`username`),
	CONSTRAINT `users_email_unique` UNIQUE(`email`)
);
--> statement-breakpoint
CREATE TABLE `nodes` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`name` varchar(191) NOT NULL,
	`url` varchar(255) NOT NULL,
	`token_id` varchar(16) NOT NULL,
	`token_hash` varchar(128) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `nodes_id` PRIMARY KEY(`id`),
	CONSTRAINT `nodes_uuid_unique` UNIQUE(`uuid`),
	CONSTRAINT `nodes_token_id_unique` UNIQUE(`token_id`)
);
--> statement-breakpoint
CREATE TABLE `servers` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`identifier` varchar(8) NOT NULL,
	`name` varchar(191) NOT NULL,
	`description` text,
	`owner_id` bigint unsigned NOT NULL,
	`node_id` bigint unsigned,
	`startup_command` text NOT NULL,
	`suspended` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `servers_id` PRIMARY KEY(`id`),
	CONSTRAINT `servers_uuid_unique` UNIQUE(`uuid`),
	CONSTRAINT `servers_identifier_unique` UNIQUE(`identifier`)
);
--> statement-breakpoint
CREATE TABLE `subusers` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`permissions` json NOT NULL,
	`status` varchar(16) NOT NULL DEFAULT 'active',
	`invite_token_hash` varchar(128),
	`invite_expires_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `subusers_id` PRIMARY KEY(`id`),
	CONSTRAINT `subusers_invite_token_hash_unique` UNIQUE(`invite_token_hash`),
	CONSTRAINT `subusers_server_user_unique` UNIQUE(`server_id`,`user_id`)
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`identifier` varchar(16) NOT NULL,
	`token_hash` varchar(128) NOT NULL,
	`memo` varchar(500) NOT NULL DEFAULT '',
	`allowed_ips` json NOT NULL,
	`last_used_at` datetime(3),
	`expires_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `api_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `api_keys_identifier_unique` UNIQUE(`identifier`)
);
--> statement-breakpoint
CREATE TABLE `recovery_codes` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`code_hash` varchar(255) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `recovery_codes_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`session_id` varchar(128) NOT NULL,
	`expires` bigint unsigned NOT NULL,
	`data` mediumtext,
	CONSTRAINT `sessions_session_id` PRIMARY KEY(`session_id`)
);
--> statement-breakpoint
CREATE TABLE `ssh_keys` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`name` varchar(191) NOT NULL,
	`fingerprint` varchar(64) NOT NULL,
	`public_key` text NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `ssh_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `ssh_keys_user_fingerprint_unique` UNIQUE(`user_id`,`fingerprint`)
);
--> statement-breakpoint
CREATE TABLE `activity_logs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event` varchar(191) NOT NULL,
	`actor_id` bigint unsigned,
	`api_key_id` bigint unsigned,
	`server_id` bigint unsigned,
	`ip` varchar(45),
	`user_agent` varchar(500),
	`properties` json NOT NULL,
	`timestamp` datetime(3) NOT NULL,
	CONSTRAINT `activity_logs_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `servers` ADD CONSTRAINT `servers_owner_id_users_id_fk` FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `servers` ADD CONSTRAINT `servers_node_id_nodes_id_fk` FOREIGN KEY (`node_id`) REFERENCES `nodes`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `subusers` ADD CONSTRAINT `subusers_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `subusers` ADD CONSTRAINT `subusers_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `api_keys` ADD CONSTRAINT `api_keys_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `recovery_codes` ADD CONSTRAINT `recovery_codes_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `ssh_keys` ADD CONSTRAINT `ssh_keys_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `activity_logs` ADD CONSTRAINT `activity_logs_actor_id_users_id_fk` FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `activity_logs` ADD CONSTRAINT `activity_logs_api_key_id_api_keys_id_fk` FOREIGN KEY (`api_key_id`) REFERENCES `api_keys`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `activity_logs` ADD CONSTRAINT `activity_logs_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `servers_owner_id_idx` ON `servers` (`owner_id`);--> statement-breakpoint
CREATE INDEX `subusers_user_id_idx` ON `subusers` (`user_id`);--> statement-breakpoint
CREATE INDEX `api_keys_user_id_idx` ON `api_keys` (`user_id`);--> statement-breakpoint
CREATE INDEX `recovery_codes_user_id_idx` ON `recovery_codes` (`user_id`);--> statement-breakpoint
CREATE INDEX `activity_server_time_idx` ON `activity_logs` (`server_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `activity_actor_time_idx` ON `activity_logs` (`actor_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `activity_event_idx` ON `activity_logs` (`event`);