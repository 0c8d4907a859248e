"""The adoption rule, as a pure function (no database): easy to read, easy to test.

Votes cast ("suffrages exprimés") are yes + no; blank and spoiled ballots are not cast.
The project is adopted when yes is strictly more than half of the votes cast (a tie is not
adopted), there is at least one vote cast, and the turnout reaches the vote's optional minimum.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from brest_internet.common.figures import percent


@dataclass(frozen=True)
class Result:
    roll: int
    voters: int
    yes: int
    no: int
    blank: int
    spoiled: int
    minimum_turnout: int | None
    adopted: bool

    @property
    def cast(self) -> int:
        return self.yes + self.no

    @property
    def turnout(self) -> Decimal | None:
        """Voters / roll, as a percentage with one decimal (None with an empty roll)."""
        return percent(self.voters, self.roll)

    @property
    def yes_share(self) -> Decimal | None:
        """Yes / votes cast, as a percentage with one decimal (None when nobody cast a vote)."""
        return percent(self.yes, self.cast)

    @property
    def turnout_reached(self) -> bool:
        if self.minimum_turnout is None:
            return True
        # Compare exactly (voters * 100 >= minimum * roll), not on the rounded percentage.
        return self.voters * 100 >= self.minimum_turnout * self.roll


def compute_result(
    *,
    roll: int,
    voters: int,
    yes: int,
    no: int,
    blank: int,
    spoiled: int,
    minimum_turnout: int | None = None,
) -> Result:
    counted = Result(
        roll=roll,
        voters=voters,
        yes=yes,
        no=no,
        blank=blank,
        spoiled=spoiled,
        minimum_turnout=minimum_turnout,
        adopted=False,
    )
    adopted = voters > 0 and counted.cast > 0 and 2 * yes > counted.cast
    return replace(counted, adopted=adopted and counted.turnout_reached)


def share_text(value: Decimal | None) -> str:
    """A share as the result sentences write it: 61 (not 61,0), 57,5; a dash without one."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")
