CREATE TABLE `allocations` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`node_id` bigint unsigned,
	`node_key` bigint unsigned GENERATED ALWAYS AS (ifnull(`node_id`, 0)) STORED,
	`ip` varchar(45) NOT NULL,
	`ip_alias` varchar(255),
	`port` int unsigned NOT NULL,
	`server_id` bigint unsigned,
	`primary_server_id` bigint unsigned,
	`notes` varchar(256),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `allocations_id` PRIMARY KEY(`id`),
	CONSTRAINT `allocations_node_ip_port_unique` UNIQUE(`node_key`,`ip`,`port`),
	CONSTRAINT `allocations_primary_server_unique` UNIQUE(`primary_server_id`)
);
--> statement-breakpoint
CREATE TABLE `private_network_members` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`network_id` bigint unsigned NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `private_network_members_id` PRIMARY KEY(`id`),
	CONSTRAINT `private_network_members_unique` UNIQUE(`network_id`,`server_id`)
);
--> statement-breakpoint
CREATE TABLE `private_networks` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`node_id` bigint unsigned,
	`node_key` bigint unsigned GENERATED ALWAYS AS (ifnull(`node_id`, 0)) STORED,
	`name` varchar(64) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `private_networks_id` PRIMARY KEY(`id`),
	CONSTRAINT `private_networks_node_name_unique` UNIQUE(`node_key`,`name`)
);
--> statement-breakpoint
CREATE TABLE `proxy_routes` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`allocation_id` bigint unsigned NOT NULL,
	`domain` varchar(253) NOT NULL,
	`path_prefix` varchar(255) NOT NULL DEFAULT '/',
	`websocket` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `proxy_routes_id` PRIMARY KEY(`id`),
	CONSTRAINT `proxy_routes_domain_unique` UNIQUE(`domain`)
);
--> statement-breakpoint
ALTER TABLE `allocations` ADD CONSTRAINT `allocations_node_id_nodes_id_fk` FOREIGN KEY (`node_id`) REFERENCES `nodes`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `allocations` ADD CONSTRAINT `allocations_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `allocations` ADD CONSTRAINT `allocations_primary_server_id_servers_id_fk` FOREIGN KEY (`primary_server_id`) REFERENCES `servers`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `private_network_members` ADD CONSTRAINT `private_network_members_network_id_private_networks_id_fk` FOREIGN KEY (`network_id`) REFERENCES `private_networks`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `private_network_members` ADD CONSTRAINT `private_network_members_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `private_networks` ADD CONSTRAINT `private_networks_node_id_nodes_id_fk` FOREIGN KEY (`node_id`) REFERENCES `nodes`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `proxy_routes` ADD CONSTRAINT `proxy_routes_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `proxy_routes` ADD CONSTRAINT `proxy_routes_allocation_id_allocations_id_fk` FOREIGN KEY (`allocation_id`) REFERENCES `allocations`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `allocations_server_id_idx` ON `allocations` (`server_id`);--> statement-breakpoint
CREATE INDEX `private_network_members_server_idx` ON `private_network_members` (`server_id`);--> statement-breakpoint
CREATE INDEX `proxy_routes_server_id_idx` ON `proxy_routes` (`server_id`);