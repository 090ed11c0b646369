CREATE TABLE `email_log` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`recipient` varchar(191) NOT NULL,
	`subject` varchar(255) NOT NULL,
	`status` varchar(16) NOT NULL,
	`error` text,
	`kind` varchar(32) NOT NULL,
	`blast_id` bigint unsigned,
	`user_id` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `email_log_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `mail_blasts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`subject` varchar(255) NOT NULL,
	`body` text NOT NULL,
	`audience` json NOT NULL,
	`status` varchar(16) NOT NULL DEFAULT 'queued',
	`recipient_count` int unsigned NOT NULL,
	`throttled_until` datetime(3),
	`created_by` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	`started_at` datetime(3),
	`finished_at` datetime(3),
	CONSTRAINT `mail_blasts_id` PRIMARY KEY(`id`),
	CONSTRAINT `mail_blasts_uuid_unique` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `mail_recipients` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`blast_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`email` varchar(191) NOT NULL,
	`status` varchar(16) NOT NULL DEFAULT 'pending',
	`error` text,
	`claimed_at` datetime(3),
	`sent_at` datetime(3),
	CONSTRAINT `mail_recipients_id` PRIMARY KEY(`id`),
	CONSTRAINT `mail_recipients_blast_user_uq` UNIQUE(`blast_id`,`user_id`)
);
--> statement-breakpoint
ALTER TABLE `mail_blasts` ADD CONSTRAINT `mail_blasts_created_by_users_id_fk` FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `mail_recipients` ADD CONSTRAINT `mail_recipients_blast_id_mail_blasts_id_fk` FOREIGN KEY (`blast_id`) REFERENCES `mail_blasts`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `email_log_time_idx` ON `email_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `email_log_kind_time_idx` ON `email_log` (`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `email_log_blast_idx` ON `email_log` (`blast_id`);--> statement-breakpoint
CREATE INDEX `mail_recipients_blast_status_idx` ON `mail_recipients` (`blast_id`,`status`);