DROP INDEX articles_scheduled;
DROP TABLE event_clock;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;
