CREATE TABLE `database_hosts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(191) NOT NULL,
	`host` varchar(255) NOT NULL,
	`port` int unsigned NOT NULL,
	`username` varchar(80) NOT NULL,
	`password` text NOT NULL,
	`max_databases` int unsigned,
	`node_id` bigint unsigned,
	`managed` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `database_hosts_id` PRIMARY KEY(`id`),
	CONSTRAINT `database_hosts_name_unique` UNIQUE(`name`)
);
--> statement-breakpoint
CREATE TABLE `server_databases` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`identifier` varchar(16) NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`database_host_id` bigint unsigned NOT NULL,
	`database` varchar(64) NOT NULL,
	`username` varchar(32) NOT NULL,
	`remote` varchar(255) NOT NULL DEFAULT '%',
	`password` text NOT NULL,
	`max_connections` int unsigned NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `server_databases_id` PRIMARY KEY(`id`),
	CONSTRAINT `server_databases_identifier_unique` UNIQUE(`identifier`),
	CONSTRAINT `server_databases_host_database_unique` UNIQUE(`database_host_id`,`database`),
	CONSTRAINT `server_databases_host_username_unique` UNIQUE(`database_host_id`,`username`)
);
--> statement-breakpoint
ALTER TABLE `database_hosts` ADD CONSTRAINT `database_hosts_node_id_nodes_id_fk` FOREIGN KEY (`node_id`) REFERENCES `nodes`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `server_databases` ADD CONSTRAINT `server_databases_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `server_databases` ADD CONSTRAINT `server_databases_database_host_id_database_hosts_id_fk` FOREIGN KEY (`database_host_id`) REFERENCES `database_hosts`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `server_databases_server_id_idx` ON `server_databases` (`server_id`);