CREATE TABLE `server_startup` (
	`server_id` bigint unsigned NOT NULL,
	`software_id` varchar(64) NOT NULL,
	`docker_image` varchar(255) NOT NULL,
	`install_lease_until` datetime(3),
	`install_pending` boolean NOT NULL DEFAULT false,
	`install_is_reinstall` boolean NOT NULL DEFAULT false,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `server_startup_server_id` PRIMARY KEY(`server_id`)
);
--> statement-breakpoint
CREATE TABLE `server_variables` (
	`server_id` bigint unsigned NOT NULL,
	`env_variable` varchar(191) NOT NULL,
	`value` text,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `server_variables_server_id_env_variable_pk` PRIMARY KEY(`server_id`,`env_variable`)
);
--> statement-breakpoint
CREATE TABLE `software` (
	`id` varchar(64) NOT NULL,
	`name` varchar(191) NOT NULL,
	`bundled` boolean NOT NULL DEFAULT false,
	`definition` json NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `software_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `server_startup` ADD CONSTRAINT `server_startup_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `server_variables` ADD CONSTRAINT `server_variables_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;