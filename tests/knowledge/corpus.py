"""A small hand-written help centre of an airline, shared by the ranking and gap tests."""

from knowledge.ranking import ArticleText

ARTICLES = [
    ArticleText(
        id=1,
        slug="reset-your-password",
        title="How to reset your password",
        tags=("account", "login"),
        body="Forgot your password? On the sign-in screen choose *Forgot password*, enter the e-mail "
        "address of your account and follow the link we send you. The link expires after one hour. "
        "If the e-mail does not arrive, check your spam folder.",
    ),
    ArticleText(
        id=2,
        slug="baggage-fees",
        title="Checked baggage fees and allowances",
        tags=("baggage", "fees"),
        body="Each ticket includes one cabin bag. Checked bags cost 30 EUR for the first bag and 45 EUR "
        "for the second when added online; at the airport desk they cost more. Overweight bags above "
        "23 kg pay a surcharge.",
    ),
    ArticleText(
        id=3,
        slug="refund-status",
        title="Where is my refund? Checking the status of a refund",
        tags=("refund", "payments"),
        body="Refunds go back to the card you paid with. Card refunds take 7 to 10 business days after we "
        "approve them. You can follow the status of your refund under *My trips* > *Refunds*.",
    ),
    ArticleText(
        id=4,
        slug="service-status",
        title="Website and app outage: current service status",
        tags=("outage", "status"),
        body="When the website or the app is down, we post updates on our status page every 30 minutes. "
        "Bookings made during an outage are kept; you do not need to book again.",
    ),
    ArticleText(
        id=5,
        slug="change-a-flight",
        title="Changing your flight date or time",
        tags=("booking", "change"),
        body="You can change the date or time of your flight in *My trips* up to two hours before departure. "
        "Flex fares change for free; other fares pay a change fee plus any difference in fare.",
    ),
    ArticleText(
        id=6,
        slug="loyalty-points",
        title="Earning and using loyalty points",
        tags=("loyalty", "points", "miles"),
        body="Every flight earns loyalty points, credited to your account within 14 days of travel. Missing "
        "points can be claimed up to six months after the flight. Points buy upgrades and free flights.",
    ),
    ArticleText(
        id=7,
        slug="app-crashes-on-login",
        title="The app crashes when I log in",
        tags=("app", "login"),
        body="If the app closes as soon as you sign in, update it to the latest version from your app store, "
        "then restart your phone. Clearing the app's cache fixes most crashes on older Android phones.",
    ),
    ArticleText(
        id=8,
        slug="travelling-with-pets",
        title="Travelling with pets",
        tags=("pets", "animals"),
        body="Small dogs and cats up to 8 kg, carrier included, may travel in the cabin. Larger animals travel "
        "in the hold. Book your pet at least 48 hours before departure; a pet costs 60 EUR per flight.",
    ),
]
