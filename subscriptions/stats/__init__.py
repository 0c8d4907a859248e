"""What the programme learns from subscriptions and charges, computed by the database.

These functions are reused by the dashboard: each is a fixed number of aggregate queries,
whatever the number of subscriptions, dwellings or charge lines.

One module a section, all importable from here: `points` (months, rates), `events` (active
subscriptions read from the subscriptions), `bills` (amounts billed), `summaries` (the same
read from the summaries).
"""

from .bills import (  # noqa: F401
    Billing,
    MonthFigures,
    NeighbourhoodBill,
    billed_by_month,
    billed_per_subscriber,
    billing,
    billing_bounds,
    billing_days,
    month_figures,
    month_summary,
    month_totals,
    per_subscriber,
    signed_adjustments,
)
from .events import (  # noqa: F401
    FirstDayOnOrAfter,
    SubscriptionEvents,
    active_counts_on,
    add_launch_year,
    dwelling_counts,
    dwellings_of,
    launch_year_days,
    period_counts,
    subscription_rate_on,
    subscription_series,
)
from .points import (  # noqa: F401
    Point,
    Series,
    _rate,
    month_end,
    month_starts,
)
from .summaries import (  # noqa: F401
    SubscriptionSummary,
    _cents,
    billing_total,
)
