# Prose stays on one line per sentence, so it reads and greps as written.
# ruff: noqa: E501
"""Text material for the demo seed (cases.demo): people, places and what they write.

Owns only data: name pools, airports, and per-topic templates in English
plus a smaller set in Spanish, French and German. Templates are filled
with str.format_map() from one dict of slots per thread (cases.demo builds
it), so every message of a thread agrees on the flight, booking reference
and places. The slots a template may use are listed in SLOT_NAMES; a test
fills every template with them, so a typo fails there, not in a demo.

Core sentences carry no greeting, @mention or sign-off: cases.demo wraps
them per channel (an X post starts with @AcmeAirCare and stays under 280
characters; an e-mail gets "Dear ..." and a signature).

Nothing here is a real person, flight or booking; e-mail domains use the
reserved .example TLD.
"""

BRAND = "Acme Air"
BRAND_X_HANDLE = "AcmeAirCare"
BRAND_EMAIL = "care@acmeair.example"

SLOT_NAMES = frozenset(
    {
        "flight",
        "new_flight",
        "origin",
        "dest",
        "origin_code",
        "dest_code",
        "ref",
        "hours",
        "minutes",
        "days",
        "wait",
        "amount",
        "voucher",
        "seat",
        "gate",
        "crew",
        "bag",
        "item",
        "event",
        "weekday",
        "time",
        "points",
        "competitor",
        "tracer",
        "fare",
        "first",
        "agent",
        "contact",
    }
)

# --- People -------------------------------------------------------------------

FIRST_NAMES = {
    "en": [
        "Sarah",
        "James",
        "Priya",
        "Tom",
        "Aisha",
        "Daniel",
        "Emma",
        "Oliver",
        "Chloe",
        "Marcus",
        "Hannah",
        "Ravi",
        "Grace",
        "Liam",
        "Zoe",
        "Ben",
        "Fatima",
        "Jack",
        "Megan",
        "Kwame",
        "Laura",
        "Sam",
        "Nadia",
        "Ethan",
        "Holly",
        "Connor",
        "Amara",
        "Rachel",
        "Joe",
        "Sophie",
        "Imran",
        "Katie",
        "Lewis",
        "Ellie",
        "Mohammed",
        "Jess",
        "Callum",
        "Yasmin",
        "Rob",
        "Niamh",
    ],
    "es": ["Lucía", "Javier", "Carmen", "Diego", "Marta", "Pablo", "Elena", "Sergio", "Paula", "Álvaro"],
    "fr": ["Camille", "Julien", "Léa", "Mathieu", "Chloé", "Nicolas", "Manon", "Antoine", "Inès", "Hugo"],
    "de": ["Lena", "Jonas", "Anna", "Felix", "Sophie", "Lukas", "Miriam", "Tobias", "Katrin", "Max"],
}

LAST_NAMES = {
    "en": [
        "Khan",
        "Walsh",
        "Patel",
        "Hughes",
        "Okafor",
        "Bennett",
        "Murphy",
        "Clarke",
        "Reid",
        "Thompson",
        "Shah",
        "Doyle",
        "Fletcher",
        "Mensah",
        "Carter",
        "Ahmed",
        "Griffiths",
        "Nguyen",
        "Owens",
        "Price",
        "Sullivan",
        "Barker",
        "Singh",
        "Hamilton",
        "Lloyd",
        "Evans",
        "Kowalski",
        "Rossi",
        "Chen",
        "Morgan",
    ],
    "es": ["García", "Fernández", "López", "Martín", "Sánchez", "Romero", "Navarro", "Ortega", "Ruiz", "Molina"],
    "fr": ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Mercier"],
    "de": ["Müller", "Schmidt", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Wolf"],
}

EMAIL_DOMAINS = ["mail.example", "inbox.example", "post.example", "webmail.example"]

# Handle shapes; {f} first name, {l} last name, {fi}/{li} initials, {n} digits.
HANDLE_PATTERNS = [
    "{f}{l}",
    "{f}_{l}",
    "{f}{li}{n}",
    "{fi}{l}{n}",
    "{f}travels",
    "the{l}{fi}",
    "{f}_{n}",
    "{l}{f}",
    "{f}onthego",
    "{f}{l}_",
]

# A few accounts with a real audience: travel bloggers and presenters.
INFLUENCER_NAMES = [
    ("Jess Okoro", "wanderlustjess"),
    ("Priya Raman", "priyaflies"),
    ("Tom Harker", "TomOnTour"),
    ("Nina Castell", "ninaeatsworld"),
]

# --- Places and things ----------------------------------------------------------

# (IATA code, city, currency symbol of the market)
AIRPORTS = [
    ("LHR", "London", "£"),
    ("LGW", "London Gatwick", "£"),
    ("MAN", "Manchester", "£"),
    ("EDI", "Edinburgh", "£"),
    ("BHX", "Birmingham", "£"),
    ("GLA", "Glasgow", "£"),
    ("DUB", "Dublin", "€"),
    ("MAD", "Madrid", "€"),
    ("BCN", "Barcelona", "€"),
    ("CDG", "Paris", "€"),
    ("FRA", "Frankfurt", "€"),
    ("MUC", "Munich", "€"),
    ("AMS", "Amsterdam", "€"),
    ("LIS", "Lisbon", "€"),
    ("FCO", "Rome", "€"),
    ("ATH", "Athens", "€"),
    ("JFK", "New York", "$"),
    ("BOS", "Boston", "$"),
]

CREW_NAMES = ["Gemma", "Dev", "Marisol", "Kofi", "Aoife", "Pete", "Sunita", "Rhys", "Bea", "Tariq", "Claire", "Ollie"]

BAGS = [
    "black Samsonite hard case",
    "purple suitcase with a yellow ribbon",
    "grey North Face duffel",
    "navy blue spinner case",
    "red hard-shell case with stickers all over it",
    "green rucksack",
    "silver Rimowa",
    "brown leather holdall",
]

BAG_ITEMS = [
    "my wedding suit",
    "all my medication",
    "my daughter's inhaler",
    "my work laptop charger",
    "the presents for my nephew",
    "my camera gear",
    "my hiking boots for the trip",
    "a dress for a friend's wedding",
]

EVENTS = [
    "my sister's wedding",
    "a job interview",
    "my dad's 70th",
    "a client meeting",
    "the first day of our honeymoon",
    "a funeral",
    "my connecting flight",
    "the concert we flew in for",
]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FARES = ["Basic", "Classic", "Flex"]
COMPETITORS = ["SkyJet", "SkyJet", "SkyJet", "BlueHorizon"]

# How to reach us privately, per language and channel kind. Brand templates
# use it after "Could you" / "Please" in English and after a modal verb in the
# other languages, so those phrases are infinitives.
CONTACT = {
    "en": {"x": "send us a DM", "facebook": "send us a private message", "email": "reply to this e-mail"},
    "es": {"x": "enviarnos un DM", "facebook": "enviarnos un mensaje privado", "email": "responder a este correo"},
    "fr": {"x": "nous envoyer un DM", "facebook": "nous envoyer un message privé", "email": "répondre à cet e-mail"},
    "de": {
        "x": "eine DM schicken",
        "facebook": "eine private Nachricht schicken",
        "email": "auf diese E-Mail antworten",
    },
}

# --- Topics (English) -----------------------------------------------------------
#
# Each topic: intent and engagement of its opening post, the team it goes
# to, tags, base priority, polarity range of the opener, whether fixing it
# takes days (refunds, bags), and text by role. The intent is what the writer
# means; the ingestion pipeline reads only the words, so they must say it
# (a sales lead states an intention to switch or buy).
#   open      the customer's first post        detail   an optional second sentence
#   mention   proactive posts that name the brand without @ (X only)
#   details   the customer answering our question
#   ask / hold / resolve   brand replies        notes    internal notes
#   subject   the case subject an agent would write

TOPICS = {
    "delay": {
        "intent": "complaint",
        "team": "social-care",
        "tags": ["delay"],
        "priority": "normal",
        "polarity": (-0.85, -0.35),
        "slow": False,
        "subject": ["Delay on {flight} {origin_code}-{dest_code}", "{hours}h delay on {flight}, compensation request"],
        "open": [
            "Flight {flight} from {origin} to {dest} delayed {hours} hours and counting. Nobody at the gate knows anything.",
            "Sat on the tarmac at {origin_code} for {minutes} minutes on {flight}. No air con, no announcements.",
            "{flight} now showing a {hours}h delay. Third time this month I'm late for work because of you.",
            "Is {flight} actually leaving today? Board says delayed, app says on time, gate staff say 'soon'.",
            "Missed my connection in {dest} because {flight} left {origin} {minutes} minutes late. What now?",
            "Delayed again. {flight} {origin_code}-{dest_code}, {hours} hours. I'm going to miss {event}.",
            "Gate {gate} at {origin_code}, {flight}, delayed with zero explanation. We've been standing here for an hour.",
        ],
        "detail": [
            "Two kids, no food vouchers, and the only café closed at 10.",
            "The crew were lovely but the communication from the ground has been awful.",
            "We were told about a 'technical issue' and then nothing for an hour.",
            "The app status has changed four times in the last 20 minutes.",
            "Do I get compensation for this?",
            "Not a single announcement in English or Spanish.",
        ],
        "mention": [
            "Another {hours} hour delay with Acme Air. {flight} from {origin} stuck at the gate. Never again.",
            "Acme Air really said 'on time' and meant 'whenever we feel like it'. {flight} still not boarding.",
            "Love spending my {weekday} evening at {origin_code} because Acme Air can't find a pilot for {flight}.",
        ],
        "details": [
            "Booking ref {ref}, flight {flight} on {weekday}. Still sat at the gate.",
            "It's {ref}. Two of us travelling.",
            "Ref {ref}. We finally landed in {dest} at {time}, {hours} hours late.",
        ],
        "ask": [
            "I'm really sorry about the wait on {flight}. Could you {contact} with your booking ref so we can check your options and any compensation?",
            "That's not the journey we want for you. Please {contact} with your booking reference and we'll look into {flight} straight away.",
        ],
        "hold": [
            "Thanks for the details. Your compensation claim for {flight} is with our claims team, who are checking the delay report. We'll update you as soon as we hear back.",
        ],
        "resolve": [
            "Thanks for waiting. {flight} arrived {hours} hours late, so you're entitled to compensation. We've filed the claim on {ref} for you; expect it within 7-10 working days.",
            "We've added a {voucher} voucher to booking {ref} as an apology for the delay on {flight}. Sorry again for the disruption.",
            "The delay on {flight} was caused by a late inbound aircraft. You can claim meal costs up to {voucher} with receipts; we've sent the form to your e-mail.",
        ],
        "notes": [
            "Checked {ref}: {flight} arrived {hours}h late, EU261 eligible. Claim raised.",
            "Ops confirm crew hours issue on {flight}, not weather. Compensation applies.",
        ],
    },
    "cancellation": {
        "intent": "complaint",
        "team": "social-care",
        "tags": ["cancellation", "rebooking"],
        "priority": "high",
        "polarity": (-0.95, -0.5),
        "slow": False,
        "subject": [
            "{flight} cancelled, passenger stranded at {origin_code}",
            "Cancellation of {flight}, rebooking needed",
        ],
        "open": [
            "{flight} to {dest} just got cancelled at the gate. No hotel, no rebooking, no one at the desk. We're stranded.",
            "You cancelled {flight} with 3 hours' notice and the next flight you offer is in 2 days?? I have {event}.",
            "Cancelled. Again. {flight} {origin_code}-{dest_code}. The queue at the transfer desk is 200 people long.",
            "Got a text at {time} saying {flight} is cancelled. How am I supposed to get to {dest} tonight?",
            "Flight cancelled and the app won't let me rebook, it just says 'contact us'. So I'm contacting you.",
        ],
        "detail": [
            "We have a 4 year old with us and it's nearly midnight.",
            "Nobody has mentioned a hotel or meal vouchers.",
            "The phone line hangs up after 40 minutes on hold.",
            "Your website still says the flight is on time, by the way.",
        ],
        "mention": [
            "Acme Air cancelled {flight} and just... left us at {origin_code}. No staff, no hotel. Incredible.",
            "Stranded in {origin} thanks to Acme Air. {flight} cancelled, next seat in two days.",
        ],
        "details": [
            "Booking {ref}, 3 passengers. We need to be in {dest} by tomorrow afternoon.",
            "Ref is {ref}. Happy to fly from any London airport.",
            "{ref}. Can you get us on {new_flight} instead?",
        ],
        "ask": [
            "I'm so sorry {flight} was cancelled. Please {contact} with your booking ref and we'll rebook you on the first available flight.",
            "That's awful timing, and I'm sorry. Could you {contact} with your booking reference and how many of you are travelling? We'll sort the rebooking from here.",
        ],
        "hold": [
            "We've asked our airport team to confirm hotel availability for tonight. We'll come back to you as soon as they do; please keep your receipts.",
        ],
        "resolve": [
            "You're now confirmed on {new_flight} tomorrow at {time}, and we've booked a hotel near the airport. Details are in your e-mail under {ref}.",
            "All sorted: {ref} is rebooked on {new_flight}. You can also claim a full refund instead if you'd prefer. Sorry again for the cancellation.",
        ],
        "notes": [
            "Rebooked {ref} on {new_flight}, hotel voucher issued via airport ops.",
            "{flight} cancelled for crew sickness, so compensation applies. Flagged to claims.",
        ],
    },
    "lost_bag": {
        "intent": "complaint",
        "team": "social-care",
        "tags": ["lost-baggage"],
        "priority": "high",
        "polarity": (-0.9, -0.45),
        "slow": True,
        "subject": ["Missing bag after {flight} to {dest_code}", "Lost {bag}, file {tracer}"],
        "open": [
            "Landed in {dest} on {flight} {days} days ago and still no sign of my bag. Your tracker hasn't updated once.",
            "My {bag} never came off the belt at {dest_code}. It has {item} in it. Where is it?",
            "{days} days and counting. Lost bag file {tracer}, nobody answers the baggage line.",
            "Bag didn't make it onto {flight}. The desk gave me a reference and a shrug.",
            "Your baggage tracker says my bag is 'in transit' for the 5th day running. In transit to where?",
        ],
        "detail": [
            "I've had to buy clothes for the whole week.",
            "The AirTag says it's still sitting at {origin_code}.",
            "It was a tight connection but that's your schedule, not mine.",
            "Can someone please just tell me where it is?",
        ],
        "mention": [
            "Acme Air has had my {bag} for {days} days now. Hope they're enjoying {item}.",
            "PSA: if you fly Acme Air through {origin_code}, pack a spare pair of pants in your hand luggage. Bag lost, day {days}.",
        ],
        "details": [
            "File reference {tracer}, booking {ref}. It's a {bag}.",
            "Booking {ref}, flight {flight}. The bag is a {bag} with a name tag.",
            "Ref {ref}. I'm staying in {dest} until {weekday}.",
        ],
        "ask": [
            "I'm sorry your bag hasn't arrived. Could you {contact} with your file reference and booking ref? We'll chase the baggage team for you.",
            "That's really frustrating, especially with {item} in there. Please {contact} with the file reference from the desk and we'll trace it.",
        ],
        "hold": [
            "Thanks. We've escalated file {tracer} to the baggage tracing team at {origin_code}. They're checking the last scan; we'll update you within 24 hours.",
            "Your bag has been located at {origin_code} and is booked on the next flight to {dest}. We're waiting on the courier to confirm a delivery slot.",
        ],
        "resolve": [
            "Good news: your {bag} arrived in {dest} this morning and the courier will deliver it today. You can claim for essentials you bought while you waited.",
            "The bag is on its way to your address and should arrive by {time}. We've also sent you the expenses form for what you had to buy. Sorry again.",
        ],
        "notes": [
            "WorldTracer {tracer}: last scan at {origin_code} transfer, tag not loaded.",
            "Courier booked for delivery, customer at hotel until {weekday}.",
        ],
    },
    "damaged_bag": {
        "intent": "complaint",
        "team": "social-care",
        "tags": ["damaged-baggage"],
        "priority": "normal",
        "polarity": (-0.8, -0.35),
        "slow": True,
        "subject": ["Damaged bag on {flight}", "Broken suitcase after {flight} {origin_code}-{dest_code}"],
        "open": [
            "My {bag} came off {flight} with a wheel snapped off and the handle bent. It was new.",
            "Suitcase arrived in {dest} with a huge crack down the side. Thanks for that.",
            "Whoever loaded {flight} yesterday: my {bag} is destroyed and {item} is soaked.",
            "Bag came out at {dest_code} looking like it had been dropped from the plane. Zip ripped open.",
        ],
        "detail": [
            "Photos available.",
            "Reported it at the desk before leaving the airport.",
            "It's the second time this year.",
        ],
        "mention": [],
        "details": [
            "Booking {ref}, damage report done at the {dest_code} desk. I've got photos.",
            "Ref {ref}. It cost {amount} three months ago.",
        ],
        "ask": [
            "Sorry to see your bag damaged. Please {contact} with your booking ref and a photo of the damage, and we'll start the claim.",
        ],
        "hold": [
            "Thanks for the photos. Your claim is with our baggage claims team now; they usually reply within 5 working days and we'll keep an eye on it.",
        ],
        "resolve": [
            "Your damage claim on {ref} is approved: we'll transfer {amount} for a replacement within 7 working days. Sorry your case was treated that way.",
            "We've arranged a repair with our partner; they'll collect the bag from your address this week. Sorry about the damage.",
        ],
        "notes": ["Damage report matches the photos; approved up to {amount} without receipt."],
    },
    "refund": {
        "intent": "complaint",
        "team": "billing",
        "tags": ["refund"],
        "priority": "normal",
        "polarity": (-0.8, -0.3),
        "slow": True,
        "subject": ["Refund for cancelled {flight} not received", "Refund request {ref}"],
        "open": [
            "Still waiting on my refund for {flight}, cancelled {days} days ago. You took the money in seconds.",
            "I was promised a refund of {amount} within 7 days. It's been {days}. Nobody replies to e-mails.",
            "Refund for booking {ref} still 'processing' after {days} days. What is there to process?",
            "You owe me {amount} for a flight YOU cancelled. When am I getting it back?",
            "Applied for my refund for {flight} online, got a confirmation, then silence for {days} days.",
        ],
        "detail": [
            "Starting to think I'll have to go through my bank.",
            "I'm not accepting a voucher, I want my money.",
            "Your chat bot just sends me in circles.",
        ],
        "mention": [
            "Day {days} of waiting for Acme Air to give me back {amount} for a flight they cancelled.",
        ],
        "details": [
            "Booking {ref}, refund of {amount} to the original card.",
            "It's {ref}, paid by credit card on the booking date.",
            "Ref {ref}. Refund request number is on the confirmation e-mail if you need it.",
        ],
        "ask": [
            "I'm sorry you're still waiting. Could you {contact} with your booking ref? I'll check where the refund is.",
            "That's far too long, sorry. Please {contact} with the booking reference and we'll chase it with our refunds team.",
        ],
        "hold": [
            "I've checked {ref}: the refund of {amount} is approved and queued with our payments team. We're waiting on their confirmation of the payout date.",
        ],
        "resolve": [
            "The refund of {amount} for {ref} was issued today. It can take 3-5 working days to show on your statement, depending on your bank.",
            "Your refund has been processed back to the original card. Sorry for the wait, it shouldn't have taken {days} days.",
        ],
        "notes": [
            "Refund for {ref} stuck on a payment-provider error; resubmitted manually.",
            "Refund approved in the booking system, 3-5 working days to card.",
        ],
    },
    "double_charge": {
        "intent": "complaint",
        "team": "billing",
        "tags": ["billing"],
        "priority": "normal",
        "polarity": (-0.7, -0.3),
        "slow": True,
        "subject": ["Charged twice for booking {ref}", "Duplicate charge for seat selection"],
        "open": [
            "Your website charged me twice for seat selection on {ref}. {amount} gone from my account twice.",
            "Paid for extra legroom on {flight}, got charged twice and got a normal seat. Brilliant.",
            "Card charged twice for the same booking. The payment page froze and I got two confirmation e-mails.",
        ],
        "detail": ["Screenshots of both charges available.", "My bank says it's on your side."],
        "mention": [],
        "details": [
            "Booking {ref}, both charges on the same day for {amount}.",
            "{ref}, the second charge was a minute after the first.",
        ],
        "ask": [
            "Sorry about that. Please {contact} with the booking ref and the last 4 digits of the card so we can find both payments."
        ],
        "hold": [
            "We've found both payments on {ref} and asked our payments team to reverse the duplicate. We'll confirm when it's done."
        ],
        "resolve": [
            "The duplicate charge of {amount} on {ref} has been reversed. It should drop off your statement within 5 working days."
        ],
        "notes": ["Duplicate payment confirmed in the payment provider dashboard; reversal requested."],
    },
    "rebooking": {
        "intent": "question",
        "team": "social-care",
        "tags": ["rebooking"],
        "priority": "normal",
        "polarity": (-0.2, 0.15),
        "slow": False,
        "subject": ["Change of date for {ref}", "Rebooking question {flight}"],
        "open": [
            "Can I move my flight {flight} to the {weekday} after without paying the change fee? Something's come up.",
            "Need to change my {origin}-{dest} flight by a day, the website won't let me. Is there a way?",
            "How much is it to change the name on a booking? My mum can't travel, my aunt will go instead.",
            "Is it possible to move {ref} to an earlier flight the same day?",
        ],
        "detail": ["It's a {fare} fare if that matters.", "Happy to pay a fare difference, just not a huge fee."],
        "mention": [],
        "details": ["It's {ref}, {fare} fare.", "Booking {ref}, ideally {new_flight} on {weekday}."],
        "ask": ["Happy to help. Could you {contact} with your booking ref and the date you'd like to move to?"],
        "hold": [
            "Thanks. We're checking availability on {new_flight} with our reservations team and will be back shortly."
        ],
        "resolve": [
            "Done: {ref} is now on {new_flight}. As it's a {fare} fare there's no change fee, just a small fare difference, which we've waived.",
            "You're moved to {new_flight}. The new e-ticket is in your inbox. Have a good trip!",
        ],
        "notes": ["Waived change fee on {ref} as a goodwill gesture."],
    },
    "upgrade": {
        "intent": "question",
        "team": "social-care",
        "tags": ["upgrade"],
        "priority": "low",
        "polarity": (-0.05, 0.35),
        "slow": False,
        "subject": ["Upgrade enquiry {flight}", "Seat upgrade for {ref}"],
        "open": [
            "Any chance of an upgrade on {flight} on {weekday}? It's our 10th anniversary.",
            "How do I bid for an upgrade to business on {flight}? The e-mail link doesn't work.",
            "Paid for an upgrade on {flight} and got seated in {seat} in economy. What happened?",
            "What does it cost to upgrade to Premium on {origin_code}-{dest_code}? Can I use my {points} points?",
        ],
        "detail": ["Fingers crossed 🤞", "The app keeps timing out when I try."],
        "mention": [],
        "details": ["It's {ref}, seats {seat} and the one next to it.", "Booking {ref}, Gold member."],
        "ask": ["Congratulations! Please {contact} with your booking ref and we'll see what we can do on {flight}."],
        "hold": [
            "We've passed your request to the {origin_code} airport team, who handle upgrades on the day. They'll confirm at check-in."
        ],
        "resolve": [
            "Lovely news: you're both upgraded on {flight}. Enjoy the celebration, and happy anniversary from all of us!",
            "Upgrades on {flight} start from {amount} or 15,000 points; you can use your {points} points for part of it in Manage Booking.",
        ],
        "notes": ["Complimentary upgrade approved by duty manager, seats 2A/2C."],
    },
    "wifi": {
        "intent": "complaint",
        "team": "social-care",
        "tags": ["wifi"],
        "priority": "low",
        "polarity": (-0.6, -0.2),
        "slow": False,
        "subject": ["Onboard wifi failed on {flight}", "Wifi refund {flight}"],
        "open": [
            "Paid {amount} for wifi on {flight} and it worked for 4 minutes. Can I get that back?",
            "The 'free messaging' wifi on {flight} doesn't even load WhatsApp.",
            "Wifi on {flight}: connected, charged, nothing. Had a deadline too.",
        ],
        "detail": ["Crew said it's been broken on this aircraft for weeks.", "Seat {seat} if that helps."],
        "mention": ["Acme Air wifi is a masterpiece of hope over experience. {flight}, 3 hours, 0 bytes."],
        "details": ["Ref {ref}, paid with the card ending in the booking.", "It was {flight}, seat {seat}."],
        "ask": [
            "Sorry the wifi let you down. Please {contact} with your booking ref and the e-mail you used to pay, and we'll refund it."
        ],
        "hold": [
            "We've asked our wifi provider to check the session logs for {flight}; we'll confirm the refund once they reply."
        ],
        "resolve": [
            "We've refunded the wifi charge for {flight}. Sorry it didn't work; the engineers are looking at that aircraft."
        ],
        "notes": ["Known connectivity fault on this tail, engineering ticket open."],
    },
    "app": {
        "intent": "complaint",
        "team": "social-care",
        "tags": ["app"],
        "priority": "normal",
        "polarity": (-0.7, -0.25),
        "slow": False,
        "subject": ["App crash at check-in", "Boarding pass missing in app ({ref})"],
        "open": [
            "Your app crashes every time I try to check in for {flight}. Latest version, phone restarted.",
            "App logged me out and now says my booking {ref} doesn't exist. Flight is in {hours} hours.",
            "Boarding pass disappeared from the app right before security at {origin_code}. Great timing.",
            "Why does the app need me to log in 3 times to see one boarding pass?",
        ],
        "detail": ["iPhone 14, iOS up to date.", "Android, tried reinstalling.", "The website is down too."],
        "mention": ["The Acme Air app is a daily reminder that nothing works. Crashed at check-in again."],
        "details": ["Booking {ref}, I'm on Android.", "It's {ref}. Check-in for {flight} closes at {time}."],
        "ask": [
            "Sorry about that. Please {contact} with your booking ref and we'll check you in from here and send the boarding pass by e-mail."
        ],
        "hold": [
            "We've reported the crash to our app team with your device details and will let you know when the fix is out."
        ],
        "resolve": [
            "You're checked in on {flight} and the boarding pass is in your e-mail. The app fix is going out in today's update.",
            "We've reset your app session; logging out and back in should bring {ref} back. Your boarding pass is also in your e-mail.",
        ],
        "notes": ["Known iOS crash at check-in, fixed in next release."],
    },
    "praise_crew": {
        "intent": "praise",
        "team": "social-care",
        "tags": ["praise"],
        "priority": "low",
        "polarity": (0.55, 0.95),
        "slow": False,
        "subject": ["Praise for {crew} on {flight}", "Compliment for the crew of {flight}"],
        "open": [
            "Huge thanks to {crew} and the crew on {flight} today. My son was terrified of flying and they made him feel like a VIP.",
            "Cabin crew on {flight} were brilliant. Calm, funny, and they found my lost phone under the seat!",
            "Shout out to {crew} on {flight}, who spotted I was unwell and looked after me the whole way.",
            "Just want to say the crew on {origin_code}-{dest_code} tonight were fantastic. Best flight I've had in years.",
            "{crew} on {flight} deserves a raise. Handled a very difficult passenger like a pro.",
        ],
        "detail": ["Please pass it on!", "✈️💙", "Made our holiday start perfectly."],
        "mention": [
            "Got to say, Acme Air crew on {flight} were amazing today. Landed early too 👏",
            "Acme Air flight to {dest}: on time, friendly crew, decent coffee. Who are you and what have you done with my usual airline?",
        ],
        "details": ["It was {flight} on {weekday}, the crew member was {crew}.", "{flight}, I was in {seat}."],
        "ask": ["This is lovely to read! Which flight was it on, so we can pass your message to {crew} and the team?"],
        "hold": [
            "We've sent your message to the crew's base manager; they like to read these out at the crew briefing."
        ],
        "resolve": [
            "Thank you so much! We've passed this to {crew} and the team, it'll make their week.",
            "That's wonderful to hear. Your message is on its way to the {flight} crew. Hope to see you on board again soon!",
        ],
        "notes": ["Forwarded to cabin crew manager for recognition scheme."],
    },
    "baggage_allowance": {
        "intent": "question",
        "team": "social-care",
        "tags": ["baggage-allowance"],
        "priority": "low",
        "polarity": (-0.1, 0.2),
        "slow": False,
        "subject": ["Baggage allowance question", "Sports equipment on {flight}"],
        "open": [
            "What's the hand luggage allowance on a {fare} fare? Can I bring a small backpack as well as a cabin bag?",
            "Can I take my bike on {flight}? How much is it and does it need to be boxed?",
            "Is a guitar OK as cabin baggage or do I need to buy a seat for it?",
            "Flying {origin_code}-{dest_code} next week with a baby. Does the pushchair count towards our allowance?",
            "How many kg can I check in on {fare}? Website says 23 in one place and 20 in another.",
        ],
        "detail": ["Thanks in advance!", "Booking is already made, just want to check before we pack."],
        "mention": [],
        "details": ["It's a {fare} fare, {flight}.", "Booking {ref}, two adults and the baby."],
        "ask": ["Happy to help! Which fare did you book, and is it a direct flight? Allowances differ a little."],
        "hold": [
            "Good question: we're checking with the {origin_code} ground team whether it fits the aircraft on that route and will come back to you."
        ],
        "resolve": [
            "On {fare} you can bring one cabin bag (10kg) plus a small bag under the seat, and one 23kg checked bag. Have a great trip!",
            "Pushchairs and car seats travel free and don't count towards your allowance. You can take the pushchair to the aircraft door.",
            "Bikes are {voucher} each way if added in Manage Booking, and they need to be in a bag or box with the pedals removed.",
        ],
        "notes": [],
    },
    "special_assistance": {
        "intent": "question",
        "team": "social-care",
        "tags": ["assistance"],
        "priority": "high",
        "polarity": (-0.4, 0.1),
        "slow": False,
        "subject": ["Assistance for {flight}", "Wheelchair assistance not provided at {dest_code}"],
        "open": [
            "My mum needs wheelchair assistance on {flight} on {weekday}. I booked it but there's nothing on the confirmation.",
            "Booked assistance for my dad at {dest_code} and nobody came. He waited 50 minutes on the plane.",
            "Travelling with a hearing dog on {flight}, what paperwork do you need from us?",
        ],
        "detail": ["This is really stressful.", "Please can someone check before we get to the airport."],
        "mention": [],
        "details": ["Booking {ref}, passenger is my mother.", "{ref}, flight {flight}."],
        "ask": [
            "We want to get this right. Please {contact} with your booking ref and we'll confirm the assistance is in place."
        ],
        "hold": [
            "We've contacted the assistance provider at {dest_code} to find out what went wrong and will update you."
        ],
        "resolve": [
            "Wheelchair assistance is now confirmed on {ref} at both airports. Please check in at the assistance desk at least 2 hours before {flight}.",
            "We've apologised to the provider at {dest_code} and added a note to all future bookings. We've also added a {voucher} voucher to your account.",
        ],
        "notes": ["SSR WCHR added to {ref}; provider confirmed by e-mail."],
    },
    "loyalty_points": {
        "intent": "complaint",
        "team": "billing",
        "tags": ["loyalty"],
        "priority": "normal",
        "polarity": (-0.6, -0.15),
        "slow": True,
        "subject": ["Missing points for {flight}", "Loyalty points not credited"],
        "open": [
            "Flew {flight} {days} days ago and my {points} points still haven't shown up.",
            "Your loyalty scheme has lost my last 3 flights. How do I claim them?",
            "Tried to use my points for {flight} and the site says I have 0. I had {points} yesterday.",
        ],
        "detail": ["I'm 2 flights off Gold status so this matters.", "Boarding passes kept as proof."],
        "mention": [],
        "details": ["Member number is on {ref}, flights {flight} and {new_flight}.", "Booking {ref}."],
        "ask": [
            "Sorry about that. Please {contact} with your membership number and booking ref so we can add the missing flights."
        ],
        "hold": [
            "We've raised a missing-points claim for {flight}; the loyalty team needs up to 5 working days to confirm it."
        ],
        "resolve": [
            "The missing {points} points are now on your account, and the flights count towards your tier. Sorry for the hassle."
        ],
        "notes": ["Points manually credited, flights matched in the loyalty system."],
    },
    "churn": {
        "intent": "churn_threat",
        "team": "social-care",
        "tags": ["churn-risk"],
        "priority": "high",
        "polarity": (-0.95, -0.55),
        "slow": False,
        "subject": ["Churn risk: repeated disruption", "Customer threatening to leave after {flight}"],
        "open": [
            "Third delay this month. I fly {origin_code}-{dest_code} every week and I'm seriously done. Switching to {competitor}.",
            "Gold member for 6 years and this is how you treat me? Cancelling my membership and booking with {competitor} from now on.",
            "That's it. {flight} delayed again, {hours} hours. My company can book me on {competitor}, and I'm telling them to.",
            "Just booked my next 4 trips on {competitor}. At least they tell you when they're late.",
        ],
        "detail": ["You've lost a loyal customer.", "Years of loyalty for nothing.", "Don't bother with a voucher."],
        "mention": [
            "After 6 years with Acme Air I'm switching to {competitor}. Delays every single week on {origin_code}-{dest_code}."
        ],
        "details": ["Ref {ref}. Membership number is on the booking.", "{ref}, and the two trips before that too."],
        "ask": [
            "I'm really sorry we've let you down so often. Could you {contact} with your booking ref? I'd like to look at all your recent trips, not just this one.",
        ],
        "hold": [
            "We've passed your case to our customer relations manager, who will call you personally this week about your recent flights."
        ],
        "resolve": [
            "Thank you for giving us the chance. We've compensated all three delayed flights and added a {voucher} voucher and lounge access on your next trip.",
            "We've credited {points} bonus points and extended your Gold status for a year. We know that doesn't undo the delays, and we're sorry.",
        ],
        "notes": [
            "Gold member, 3 disruptions in 30 days. Manager approved {voucher} goodwill and lounge pass.",
            "High value corporate traveller, retention priority.",
        ],
    },
    "competitor": {
        "intent": "sales_lead",
        "team": "sales",
        "tags": ["competitor", "sales-lead"],
        "priority": "normal",
        "polarity": (-0.6, 0.05),
        "slow": False,
        "engagement": "progressive",
        "channels": ["x"],
        "subject": [
            "Sales lead: {competitor} customer flying {origin_code}-{dest_code}",
            "Prospect unhappy with {competitor}",
        ],
        "open": [
            "{competitor} cancelled my {origin}-{dest} flight for the second time. Thinking about switching from them: who else flies this route and actually takes off?",
            "Fed up with {competitor}. Looking to switch airlines for my {origin_code}-{dest_code} trips: who flies it without charging for a glass of water?",
            "Stuck at {origin_code} for {hours} hours thanks to {competitor}. Never booking them again. Recommendations?",
            "Looking for a new carrier for weekly {origin}-{dest} trips, {competitor} has been a disaster this year.",
        ],
        "detail": ["Need something reliable for work.", "Open to suggestions!"],
        "mention": [],
        "details": [
            "Mostly {origin_code}-{dest_code}, twice a month.",
            "Company of 40 people, we fly {origin_code}-{dest_code} a lot.",
        ],
        "ask": [
            "Sorry to hear about your trip! We fly {origin_code}-{dest_code} several times a day. How often do you travel? We may have a corporate offer for you."
        ],
        "hold": ["Thanks! Our business travel team will e-mail you a proposal this week."],
        "resolve": [
            "We'd love to have you on board: we fly {origin_code}-{dest_code} 4 times a day, and here's 10% off your first booking with code HELLO10.",
            "Our business travel team has sent the corporate fares to your inbox. Hope to welcome you on board soon!",
        ],
        "notes": ["Passed to corporate sales, potential account of ~40 travellers."],
    },
}

# Posts that name the brand but ask nothing of it. Nobody answers them; the
# pipeline stores them without a case, except the questions (its default
# rule for posts naming the brand), which become new cases nobody works on.
NOISE = {
    "praise": [
        "Smooth flight with Acme Air to {dest} today, landed 20 minutes early ✈️",
        "Acme Air's new cabin on {origin_code}-{dest_code} is actually lovely. Comfy seats, good legroom.",
        "Credit where it's due: Acme Air got me home on time in a storm. Well done to the pilots.",
        "The Acme Air lounge at {origin_code} does a very decent breakfast.",
    ],
    "other": [
        "Anyone else seen the new Acme Air ad with the dancing pilots? 😂",
        "Acme Air or {competitor} for a weekend in {dest}? Prices are about the same.",
        "Watching Acme Air planes land at {origin_code} from the viewing deck with the kids.",
        "Acme Air flight attendants' uniforms got a makeover and honestly it's a vibe",
    ],
}

# --- Shared follow-ups and brand phrases (English) -------------------------------

NUDGES = [
    "Hello? Still waiting for a reply.",
    "Any update on this? It's been {wait} hours.",
    "Still nothing from you. Great customer service.",
    "Can someone actually answer please?",
    "Is anyone reading these?",
]

THANKS = [
    "Thanks, that's sorted it. Appreciate the help.",
    "Great, got it. Thanks {agent}!",
    "Brilliant, thank you for sorting that so quickly.",
    "OK thanks. Not thrilled about what happened but you've been helpful.",
    "Received, thanks 👍",
    "Thank you! That's a relief.",
]

ACKS = [
    "Thanks {first}, we're looking into this now and will get back to you shortly.",
    "Sorry about this, {first}. We've picked it up and will update you as soon as we know more.",
    "Thanks for flagging. We're checking with the team and will be back with you soon.",
]

X_CLOSERS = ["Not good enough.", "Sort it out.", "#fail", "Really disappointed.", "😡", "Please help.", "#AcmeAir"]
EMAIL_CLOSERS = [
    "I look forward to your reply.",
    "Please let me know what happens next.",
    "I would appreciate a quick response.",
    "Thank you in advance for your help.",
]
EMAIL_OPENINGS = ["Hello,", "Dear Acme Air,", "Hi there,", "To whom it may concern,", "Dear Customer Care team,"]

SURVEY_COMMENTS = {
    1: ["Took days to get a reply and the problem still isn't fixed.", "Copy-paste answers, no real help."],
    2: ["Polite but slow.", "Had to chase twice."],
    3: ["Fine in the end.", "OK, but the airport side was a mess."],
    4: ["Quick and helpful.", "Good, thanks.", "Sorted faster than expected."],
    5: ["Brilliant, {agent} was really helpful!", "Fast and friendly, thank you.", "Couldn't have asked for more."],
}

# --- Other languages ----------------------------------------------------------------
#
# A smaller set: the topics below, and generic brand phrases. Threads in a
# language use only the topics it has; a topic's own "ask" (praise and
# questions need no booking reference) replaces the generic one.

LANGUAGES = {
    "es": {
        "greeting": "¡Hola {first}! ",
        "email_greeting": "Hola {first}:",
        "email_signoff": "Un saludo,\n{agent}\nAtención al cliente de Acme Air",
        "email_opening": "Hola:",
        "email_closer": "Quedo a la espera de su respuesta.",
        "details": ["Mi localizador es {ref}, vuelo {flight}.", "Localizador {ref}. Viajamos dos personas."],
        "nudges": ["¿Hola? Sigo esperando respuesta.", "¿Alguna novedad? Llevo {wait} horas esperando."],
        "thanks": ["¡Muchas gracias, {agent}! Todo solucionado.", "Gracias por la ayuda 👍"],
        "ack": ["Gracias {first}, ya lo estamos revisando y te respondemos enseguida."],
        "ask": [
            "Sentimos mucho lo ocurrido. ¿Puedes {contact} con tu localizador? Lo revisamos enseguida.",
            "Lo lamentamos. ¿Podrías {contact} con tu localizador? Así vemos tus opciones.",
        ],
        "hold": [
            "Gracias. Hemos pasado tu caso al equipo correspondiente y te avisaremos en cuanto tengamos respuesta."
        ],
        "topics": {
            "delay": {
                "open": [
                    "Vuelo {flight} de {origin_code} a {dest_code} con {hours} horas de retraso y nadie nos da información.",
                    "Otra vez retraso en el {flight}. Voy a perderme {event}. ¿Quién me compensa esto?",
                ],
                "resolve": [
                    "El {flight} llegó con {hours} horas de retraso, así que tienes derecho a compensación. Ya hemos tramitado la reclamación de {ref}."
                ],
            },
            "cancellation": {
                "open": [
                    "Me han cancelado el {flight} en la puerta de embarque y nadie nos ofrece hotel. Estamos tirados en {origin_code}."
                ],
                "resolve": [
                    "Ya estás en el {new_flight} de mañana a las {time} y tienes hotel reservado. Tienes los detalles en tu correo."
                ],
            },
            "lost_bag": {
                "open": [
                    "Llevo {days} días sin mi maleta después del {flight}. El localizador de equipaje no se actualiza.",
                    "Mi maleta no salió en {dest_code}. Dentro está todo lo de la boda. ¿Dónde está?",
                ],
                "resolve": [
                    "¡Buenas noticias! Tu maleta ya está en {dest_code} y te la entregan hoy. Puedes reclamar los gastos de primera necesidad."
                ],
            },
            "refund": {
                "open": ["Sigo esperando el reembolso de {amount} por el {flight} cancelado hace {days} días."],
                "resolve": [
                    "Hemos emitido hoy el reembolso de {amount} de {ref}. Puede tardar de 3 a 5 días hábiles en aparecer."
                ],
            },
            "praise_crew": {
                "open": ["¡Mil gracias a {crew} y a toda la tripulación del {flight}! Un vuelo de diez."],
                "ask": ["¡Qué bonito! ¿En qué vuelo fue? Así se lo hacemos llegar a {crew} y al equipo."],
                "resolve": ["¡Qué alegría leer esto! Se lo hemos hecho llegar a {crew} y al equipo."],
            },
            "baggage_allowance": {
                "open": [
                    "¿Cuánto equipaje de mano puedo llevar con la tarifa {fare}? ¿Entra una mochila pequeña además de la maleta?"
                ],
                "ask": ["¡Claro! ¿Qué tarifa has reservado? El equipaje permitido cambia un poco según la tarifa."],
                "resolve": [
                    "Con {fare} puedes llevar una maleta de cabina de 10 kg y un bolso pequeño bajo el asiento. ¡Buen viaje!"
                ],
            },
        },
    },
    "fr": {
        "greeting": "Bonjour {first} ! ",
        "email_greeting": "Bonjour {first},",
        "email_signoff": "Cordialement,\n{agent}\nService client Acme Air",
        "email_opening": "Bonjour,",
        "email_closer": "Dans l'attente de votre réponse.",
        "details": ["Ma référence de réservation est {ref}, vol {flight}.", "Référence {ref}, nous sommes deux."],
        "nudges": ["Bonjour ? Toujours pas de réponse.", "Des nouvelles ? Cela fait {wait} heures."],
        "thanks": ["Merci beaucoup {agent}, c'est réglé !", "Merci pour votre aide 👍"],
        "ack": ["Merci {first}, nous regardons cela et revenons vers vous rapidement."],
        "ask": [
            "Nous sommes vraiment désolés. Pouvez-vous {contact} avec votre référence de réservation ? Nous vérifions tout de suite.",
        ],
        "hold": [
            "Merci. Votre dossier est entre les mains de l'équipe concernée, nous vous tenons au courant dès que possible."
        ],
        "topics": {
            "delay": {
                "open": [
                    "Vol {flight} {origin_code}-{dest_code} retardé de {hours} heures, aucune information à la porte {gate}.",
                    "Encore un retard sur le {flight}. Je vais rater {event}, merci Acme Air.",
                ],
                "resolve": [
                    "Le {flight} est arrivé avec {hours} heures de retard : vous avez droit à une indemnisation. Nous avons déposé la demande pour {ref}."
                ],
            },
            "lost_bag": {
                "open": ["Toujours pas de valise {days} jours après le vol {flight}. Le suivi ne bouge pas."],
                "resolve": ["Bonne nouvelle : votre valise est arrivée à {dest_code} et sera livrée aujourd'hui."],
            },
            "refund": {
                "open": [
                    "J'attends toujours le remboursement de {amount} pour le vol annulé {flight}, cela fait {days} jours."
                ],
                "resolve": [
                    "Le remboursement de {amount} pour {ref} a été émis aujourd'hui, comptez 3 à 5 jours ouvrés."
                ],
            },
            "praise_crew": {
                "open": [
                    "Un grand merci à {crew} et à l'équipage du {flight}, adorables avec ma fille qui avait peur en avion."
                ],
                "ask": [
                    "Merci pour ce message ! Sur quel vol étiez-vous, pour que nous puissions le transmettre à {crew} ?"
                ],
                "resolve": ["Merci pour ce message ! Nous l'avons transmis à {crew} et à toute l'équipe."],
            },
            "cancellation": {
                "open": [
                    "Vol {flight} annulé à la dernière minute et personne au comptoir. Nous sommes bloqués à {origin_code}."
                ],
                "resolve": [
                    "Vous êtes confirmés sur le {new_flight} demain à {time}, hôtel compris. Les détails sont dans votre e-mail."
                ],
            },
        },
    },
    "de": {
        "greeting": "Hallo {first}! ",
        "email_greeting": "Hallo {first},",
        "email_signoff": "Viele Grüße\n{agent}\nAcme Air Kundenservice",
        "email_opening": "Guten Tag,",
        "email_closer": "Ich freue mich auf Ihre Antwort.",
        "details": ["Meine Buchungsnummer ist {ref}, Flug {flight}.", "Buchung {ref}, zwei Personen."],
        "nudges": ["Hallo? Ich warte immer noch auf eine Antwort.", "Gibt es etwas Neues? Seit {wait} Stunden nichts."],
        "thanks": ["Vielen Dank {agent}, hat geklappt!", "Danke für die schnelle Hilfe 👍"],
        "ack": ["Danke {first}, wir schauen uns das gerade an und melden uns gleich."],
        "ask": ["Das tut uns sehr leid. Kannst du uns mit deiner Buchungsnummer {contact}? Wir prüfen das sofort."],
        "hold": [
            "Danke! Dein Anliegen liegt jetzt beim zuständigen Team; wir melden uns, sobald wir eine Antwort haben."
        ],
        "topics": {
            "delay": {
                "open": [
                    "Flug {flight} von {origin_code} nach {dest_code} hat {hours} Stunden Verspätung und niemand sagt uns etwas.",
                    "Schon wieder Verspätung auf {flight}. Ich verpasse {event}. Wer entschädigt mich dafür?",
                ],
                "resolve": [
                    "{flight} kam mit {hours} Stunden Verspätung an, dir steht eine Entschädigung zu. Wir haben den Antrag für {ref} gestellt."
                ],
            },
            "lost_bag": {
                "open": [
                    "Seit {days} Tagen kein Koffer nach Flug {flight}. Die Sendungsverfolgung zeigt nichts Neues."
                ],
                "resolve": ["Gute Nachricht: Dein Koffer ist in {dest_code} angekommen und wird heute zugestellt."],
            },
            "refund": {
                "open": [
                    "Ich warte seit {days} Tagen auf die Erstattung von {amount} für den gestrichenen Flug {flight}."
                ],
                "resolve": ["Die Erstattung von {amount} für {ref} wurde heute angewiesen, das dauert 3-5 Werktage."],
            },
            "baggage_allowance": {
                "open": [
                    "Wie viel Handgepäck darf ich im {fare}-Tarif mitnehmen? Passt ein kleiner Rucksack zusätzlich?"
                ],
                "ask": ["Gern! Welchen Tarif hast du gebucht? Das Freigepäck hängt ein wenig davon ab."],
                "resolve": [
                    "Im {fare}-Tarif hast du ein Handgepäckstück (10 kg) plus eine kleine Tasche unter dem Sitz. Gute Reise!"
                ],
            },
            "praise_crew": {
                "open": ["Danke an {crew} und die Crew von {flight}, super freundlich und hilfsbereit!"],
                "ask": ["Wie schön! Auf welchem Flug war das? Dann geben wir es an {crew} weiter."],
                "resolve": ["Wie schön! Wir haben deine Nachricht an {crew} und das Team weitergegeben."],
            },
        },
    },
}

# --- Configuration texts ------------------------------------------------------------

# (shortcut, title, team key or None, body, X variant or None). Placeholders are
# template variables the reply composer fills in.
CANNED_RESPONSES = [
    (
        "dm-please",
        "Ask for booking details privately",
        None,
        "Hi {{ customer.first_name }}, I'm sorry to hear about this. So that we can look into it, could you send us "
        "your booking reference and the e-mail address on the booking in a private message? Please don't share them "
        "publicly. Thanks, {{ agent.first_name }}",
        "Hi {{ customer.first_name }}, sorry to hear this. Could you DM us your booking ref and the e-mail on the "
        "booking so we can take a look? Please don't post them publicly. ^{{ agent.first_name }}",
    ),
    (
        "delay-apology",
        "Apology for a delay, compensation info",
        None,
        "Hi {{ customer.first_name }}, I'm really sorry for the delay to your flight. If you arrived more than 3 hours "
        "late you may be entitled to compensation, which you can claim at acmeair.example/claims. You can also claim "
        "reasonable meal costs with receipts. Kind regards, {{ agent.first_name }}",
        "So sorry for the delay, {{ customer.first_name }}. If you arrived 3h+ late you can claim compensation at "
        "acmeair.example/claims, plus meals with receipts. ^{{ agent.first_name }}",
    ),
    (
        "bag-trace",
        "Missing bag: we are tracing it",
        None,
        "Hi {{ customer.first_name }}, I'm sorry your bag hasn't arrived. We've asked our baggage tracing team to check "
        "the last scan of your bag and will update you within 24 hours. Please keep receipts for essentials; you can "
        "claim them back. Case {{ case.reference }}. {{ agent.first_name }}",
        "Sorry your bag hasn't arrived, {{ customer.first_name }}. Our tracing team is on it and we'll update you "
        "within 24h. Keep receipts for essentials, you can claim them. ^{{ agent.first_name }}",
    ),
    (
        "refund-status",
        "Refund status",
        "Billing",
        "Hi {{ customer.first_name }}, thank you for your patience. Your refund has been approved and sent to the "
        "original payment method. Depending on your bank it can take 3 to 5 working days to appear. Kind regards, "
        "{{ agent.first_name }}, Acme Air Billing",
        "Thanks for waiting, {{ customer.first_name }}. Your refund is approved and on its way to the original card; "
        "allow 3-5 working days. ^{{ agent.first_name }}",
    ),
    (
        "rebook",
        "Rebooked after cancellation",
        None,
        "Hi {{ customer.first_name }}, I'm sorry your flight was cancelled. We've rebooked you on the next available "
        "flight and sent the new itinerary to your e-mail. If you'd rather have a full refund, just reply here. "
        "{{ agent.first_name }}",
        "Sorry about the cancellation, {{ customer.first_name }}. You're rebooked on the next flight; the new "
        "itinerary is in your inbox. Prefer a refund? Just reply. ^{{ agent.first_name }}",
    ),
    (
        "thanks-praise",
        "Thanks for the kind words",
        None,
        "Hi {{ customer.first_name }}, thank you so much for taking the time to write. We've passed your message to "
        "the crew; it will make their day. We hope to welcome you on board again soon. {{ agent.first_name }}",
        "Thank you, {{ customer.first_name }}! We've passed this on to the crew, it'll make their day. See you on "
        "board again soon ✈️ ^{{ agent.first_name }}",
    ),
    (
        "allowance",
        "Baggage allowance by fare",
        None,
        "Hi {{ customer.first_name }}, on Basic you can bring one small bag under the seat; Classic adds a 10kg cabin "
        "bag and one 23kg checked bag; Flex adds a second checked bag. Sports equipment can be added in Manage "
        "Booking. {{ agent.first_name }}",
        "Hi {{ customer.first_name }}! Basic: small bag under the seat. Classic: + 10kg cabin bag & 23kg checked. "
        "Flex: + 2nd checked bag. Add sports kit in Manage Booking. ^{{ agent.first_name }}",
    ),
    (
        "app-workaround",
        "App problem: boarding pass by e-mail",
        None,
        "Hi {{ customer.first_name }}, sorry the app is giving you trouble. We've checked you in and e-mailed your "
        "boarding pass. Our app team is working on a fix; logging out and back in usually helps in the meantime. "
        "{{ agent.first_name }}",
        "Sorry about the app, {{ customer.first_name }}. You're checked in and your boarding pass is in your e-mail. "
        "A fix is on the way. ^{{ agent.first_name }}",
    ),
    (
        "sales-welcome",
        "Welcome offer for a competitor's customer",
        "Sales",
        "Hi {{ customer.first_name }}, sorry to hear about your recent trip. We fly this route several times a day "
        "and would love to welcome you on board: use code HELLO10 for 10% off your first booking. "
        "{{ agent.first_name }}, Acme Air",
        "Sorry about your trip, {{ customer.first_name }}! We fly this route several times a day; code HELLO10 gets "
        "you 10% off your first booking with us ✈️ ^{{ agent.first_name }}",
    ),
]

# (name, colour)
TAGS = [
    ("delay", "#f59e0b"),
    ("cancellation", "#dc2626"),
    ("rebooking", "#2563eb"),
    ("lost-baggage", "#b91c1c"),
    ("damaged-baggage", "#c2410c"),
    ("baggage-allowance", "#0891b2"),
    ("refund", "#7c3aed"),
    ("billing", "#6d28d9"),
    ("upgrade", "#0d9488"),
    ("wifi", "#64748b"),
    ("app", "#475569"),
    ("praise", "#16a34a"),
    ("assistance", "#db2777"),
    ("loyalty", "#ca8a04"),
    ("churn-risk", "#991b1b"),
    ("competitor", "#9333ea"),
    ("sales-lead", "#15803d"),
    ("vip", "#000000"),
    ("influencer", "#e11d48"),
]
