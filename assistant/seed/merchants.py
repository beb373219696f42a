"""Where synthetic customers spend: merchants by category, with typical amounts in pounds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Merchant:
    """A place people pay, its category and the range of a typical payment (pounds)."""

    name: str
    category: str
    low: float
    high: float
    channel: str = "card_present"


GROCERIES = tuple(Merchant(n, "groceries", 6, 95) for n in (
    "Tesco", "Sainsbury's", "Asda", "Aldi", "Lidl", "Co-op", "Waitrose", "M&S Food", "Morrisons"))
DINING = (
    Merchant("Pret A Manger", "dining", 3, 14), Merchant("Costa Coffee", "dining", 3, 9),
    Merchant("Greggs", "dining", 2, 8), Merchant("Nando's", "dining", 14, 55), Merchant("Wagamama", "dining", 15, 60),
    Merchant("Deliveroo", "dining", 12, 45, "online"), Merchant("Just Eat", "dining", 12, 40, "online"),
    Merchant("The Red Lion", "dining", 8, 60), Merchant("Pizza Express", "dining", 18, 70),
)
TRANSPORT = (
    Merchant("TfL", "transport", 2, 9), Merchant("Uber", "transport", 7, 32, "online"),
    Merchant("Trainline", "transport", 12, 120, "online"), Merchant("Shell", "transport", 30, 85),
    Merchant("BP", "transport", 30, 85), Merchant("National Express", "transport", 9, 45, "online"),
)
SHOPPING = (
    Merchant("Amazon", "shopping", 6, 120, "online"), Merchant("Argos", "shopping", 10, 150),
    Merchant("John Lewis", "shopping", 20, 250), Merchant("ASOS", "shopping", 15, 110, "online"),
    Merchant("Boots", "health", 4, 40), Merchant("Superdrug", "health", 3, 30), Merchant("IKEA", "shopping", 15, 220),
)
ENTERTAINMENT = (
    Merchant("Odeon", "entertainment", 9, 35), Merchant("Ticketmaster", "entertainment", 25, 140, "online"),
    Merchant("Steam", "entertainment", 5, 50, "online"),
)
SUBSCRIPTIONS = (
    ("Netflix", "10.99"), ("Spotify", "11.99"), ("Disney+", "7.99"), ("Amazon Prime", "8.99"),
    ("Apple iCloud", "2.99"), ("PureGym", "24.99"), ("Audible", "7.99"),
)
ENERGY = ("British Gas", "Octopus Energy", "EDF Energy", "E.ON Next")
WATER = ("Thames Water", "Yorkshire Water", "United Utilities", "Severn Trent")
BROADBAND = (("BT Broadband", "34.99"), ("Virgin Media", "42.00"), ("Sky Broadband", "30.00"), ("Plusnet", "26.99"))
MOBILE = (("EE", "22.00"), ("Vodafone", "18.00"), ("O2", "16.00"), ("Three", "12.00"), ("giffgaff", "10.00"))
AIRLINES = (("British Airways", 120, 480), ("easyJet", 45, 190), ("Ryanair", 30, 160), ("Jet2", 80, 260))

# Trips abroad: (country, currency, merchants seen there).
DESTINATIONS = (
    ("ES", "EUR", ("Mercadona", "Bar La Plaza", "Taxi Barcelona", "El Corte Ingles")),
    ("FR", "EUR", ("Carrefour", "Cafe de Flore", "SNCF", "Monoprix")),
    ("IT", "EUR", ("Conad", "Trattoria Roma", "Trenitalia", "Farmacia Centrale")),
    ("PT", "EUR", ("Pingo Doce", "Pastelaria Belem", "Uber Lisboa")),
    ("US", "USD", ("Walgreens", "Starbucks NYC", "Whole Foods", "Yellow Cab")),
    ("GR", "EUR", ("AB Vassilopoulos", "Taverna Nikos", "Athens Metro")),
)
FX_PER_GBP = {"EUR": "1.16", "USD": "1.27"}

# Countries no synthetic customer travels to, for the labelled unusual payments abroad.
UNUSUAL_ABROAD = (("BR", "BRL", "Loja Central Sao Paulo"), ("TH", "THB", "Bangkok Gems Co"),
                  ("NG", "NGN", "Lagos Electronics"), ("RU", "RUB", "Moscow Trade House"))
