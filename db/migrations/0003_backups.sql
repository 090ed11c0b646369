CREATE TABLE `backup_policies` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`updated_by` bigint unsigned,
	`cron` varchar(191) NOT NULL,
	`keep` int unsigned NOT NULL,
	`ignored` text NOT NULL,
	`is_active` boolean NOT NULL DEFAULT true,
	`next_run_at` datetime(3),
	`last_run_at` datetime(3),
	`last_error` varchar(500),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `backup_policies_id` PRIMARY KEY(`id`),
	CONSTRAINT `backup_policies_server_unique` UNIQUE(`server_id`)
);
--> statement-breakpoint
CREATE TABLE `backups` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`created_by` bigint unsigned,
	`name` varchar(191) NOT NULL,
	`ignored_files` json NOT NULL,
	`disk` varchar(16) NOT NULL DEFAULT 'local',
	`checksum` varchar(191),
	`bytes` bigint unsigned NOT NULL DEFAULT 0,
	`is_successful` boolean NOT NULL DEFAULT false,
	`is_locked` boolean NOT NULL DEFAULT false,
	`automated` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`completed_at` datetime(3),
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `backups_id` PRIMARY KEY(`id`),
	CONSTRAINT `backups_uuid_unique` UNIQUE(`uuid`)
);
--> statement-breakpoint
ALTER TABLE `backup_policies` ADD CONSTRAINT `backup_policies_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `backup_policies` ADD CONSTRAINT `backup_policies_updated_by_users_id_fk` FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `backups` ADD CONSTRAINT `backups_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `backups` ADD CONSTRAINT `backups_created_by_users_id_fk` FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `backup_policies_due_idx` ON `backup_policies` (`is_active`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `backups_server_created_idx` ON `backups` (`server_id`,`created_at`);