DROP TABLE offers;
DROP TABLE meter_reads;
DROP TABLE paywall_settings;
