CREATE TABLE `migrations` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`actor_id` bigint unsigned,
	`actor_ip` varchar(45),
	`actor_user_agent` varchar(500),
	`source` varchar(8) NOT NULL,
	`origin` json NOT NULL,
	`sealed_credentials` text,
	`status` varchar(16) NOT NULL,
	`cancel_requested` boolean NOT NULL DEFAULT false,
	`bytes` bigint unsigned NOT NULL DEFAULT 0,
	`files` int unsigned NOT NULL DEFAULT 0,
	`total_bytes` bigint unsigned,
	`total_files` int unsigned,
	`error` text,
	`heartbeat_at` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`finished_at` datetime(3),
	CONSTRAINT `migrations_id` PRIMARY KEY(`id`),
	CONSTRAINT `migrations_uuid_unique` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `server_health_reports` (
	`server_id` bigint unsigned NOT NULL,
	`results` json NOT NULL,
	`checked_at` datetime(3) NOT NULL,
	CONSTRAINT `server_health_reports_server_id` PRIMARY KEY(`server_id`)
);
--> statement-breakpoint
ALTER TABLE `servers` ADD `memory` int unsigned;--> statement-breakpoint
ALTER TABLE `servers` ADD `disk` int unsigned;--> statement-breakpoint
ALTER TABLE `migrations` ADD CONSTRAINT `migrations_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `migrations` ADD CONSTRAINT `migrations_actor_id_users_id_fk` FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `server_health_reports` ADD CONSTRAINT `server_health_reports_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `migrations_server_created_idx` ON `migrations` (`server_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `migrations_status_idx` ON `migrations` (`status`);