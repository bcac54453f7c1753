import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider of a format module as a strategy of the auth group, with the name it is
 * registered under; AuthStrategyRegistry collects every marked provider (tried after the core
 * strategies, before anonymous). Nest has no multi-providers, so discovery plays that role.
 */
export const FormatAuthStrategy = DiscoveryService.createDecorator<string>();
