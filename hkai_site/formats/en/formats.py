"""English display formats: British day-month-year, as a Hong Kong publication writes dates
("25 November 2026", "25 Nov 2026"). Formats not set here are Django's English ones."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
