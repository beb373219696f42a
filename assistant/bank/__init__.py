"""The bank: account records and the services that read and change them."""
