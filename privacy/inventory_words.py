"""The data inventory's words, for the catalogue.

Each app declares its data in English (``*/personal_data.py``: categories, purposes,
recipients, why a field is held, retention events and notes); stored records and
the export's keys and file names keep those English words. Pages, and the copy of a
person's data (in their saved language, ``privacy.export``), show them translated by
looking them up (``privacy.registry``: ``Declaration.label``, ``purpose_words``,
``recipient_words``, ``held_labels``, ``Retention.words``), so every one of them is
listed here for ``makemessages``. A new or changed declaration adds its words here:
``tests/privacy/test_inventory_words.py`` names any that are missing.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

WORDS = (
    gettext_noop("Changes staff made to your data"),
    gettext_noop("A record of changes our staff made in the admin, for accountability."),
    gettext_noop("The internal number of the record that was changed."),
    gettext_noop("the change"),
    gettext_noop("Email addresses"),
    gettext_noop("To sign you in, confirm that an address is yours and write to you."),
    gettext_noop("Email confirmations"),
    gettext_noop("To check that you own an email address you added."),
    gettext_noop("The secret in the confirmation link: it only proves the link is ours."),
    gettext_noop("the link was made"),
    gettext_noop("Emails and work in progress"),
    gettext_noop(
        "To send you emails and finish work you asked for (checking a CV, sending a packet), "
        "even when a service we rely on is briefly unavailable."
    ),
    gettext_noop(
        "Ids of the work and, until it is sent, the text of an email to you (the email itself "
        "reaches you)."
    ),
    gettext_noop("An internal key that stops the same work being recorded twice."),
    gettext_noop("When and how often the work was tried: our own bookkeeping."),
    gettext_noop("Technical errors for our staff."),
    gettext_noop("the work was recorded, once it is finished"),
    gettext_noop("An email's content is wiped as soon as it is sent."),
    gettext_noop("Postal address and phone"),
    gettext_noop(
        "To contact you about your account if email is not enough. Never shared with recruiters."
    ),
    gettext_noop("You can clear it at any time."),
    gettext_noop("Two-factor authentication"),
    gettext_noop("To protect your account with a second factor you chose."),
    gettext_noop("Your second-factor secret, encrypted: shown to nobody, not even you."),
    gettext_noop("Until you remove the authenticator."),
    gettext_noop("Your account"),
    gettext_noop("To set up your account, let you sign in and contact you about it."),
    gettext_noop("A one-way hash of your password: it cannot be turned back into it."),
    gettext_noop("sign-up if the email address is never confirmed"),
    gettext_noop("Otherwise as long as you keep your account; erased when you delete it."),
    gettext_noop("Jobs you are looking for"),
    gettext_noop(
        "The occupations you are looking for, with the job title you chose for each, to match "
        "you with recruiters and to tell them what you are looking for (only when you send to "
        "them)."
    ),
    gettext_noop("The recruiters you choose to send to (only when you send)"),
    gettext_noop("You can change or clear them at any time."),
    gettext_noop("Professional profile and job letter"),
    gettext_noop(
        "To match you with recruiters for the jobs and places you choose, and to show them "
        "who you are (only when you send to them)."
    ),
    gettext_noop("You can change or clear it at any time."),
    gettext_noop("Billing account"),
    gettext_noop(
        "To bill you through Stripe and to comply with tax law: your Stripe customer id, and "
        "the billing postal code and country you gave Stripe."
    ),
    gettext_noop("Stripe, our payment processor"),
    gettext_noop("each purchase"),
    gettext_noop(
        "Tax law requires billing records; if you delete your account they are kept detached "
        "from you, then deleted."
    ),
    gettext_noop("Payment disputes"),
    gettext_noop(
        "Payments you disputed with your bank: Stripe's dispute id, reason code, amount, "
        "status and the sends held back meanwhile."
    ),
    gettext_noop("Payment problems"),
    gettext_noop(
        "Payment notices from Stripe that did not match the purchase they named (amount, "
        "currency, test or live mode, or checkout): kept for our staff to look into; they "
        "added no sends."
    ),
    gettext_noop("Stripe's id of the notice, for our staff to look it up."),
    gettext_noop("Purchases"),
    gettext_noop(
        "Your purchases of recruiter sends: what you bought, when, for how much, and the "
        "Stripe ids we need to look up or refund a payment."
    ),
    gettext_noop("Reserved sends"),
    gettext_noop(
        "Sends set aside for a send you are making, so two sends cannot spend the same credit."
    ),
    gettext_noop("Settled reservations stay with your balance's history."),
    gettext_noop("Send credits"),
    gettext_noop(
        "Your balance of recruiter sends: every credit bought, granted, used or taken back "
        "after a refund."
    ),
    gettext_noop("Announcements by email"),
    gettext_noop("The announcements our staff wrote and sent, and who wrote and sent them."),
    gettext_noop("How far sending got: counts and an internal position, about nobody."),
    gettext_noop(
        "Kept as a record of what we sent; a member of staff who leaves is removed from it."
    ),
    gettext_noop("Messages in your support inquiries"),
    gettext_noop("What you wrote to us and what we answered."),
    gettext_noop("the inquiry is closed"),
    gettext_noop(
        "An answered inquiry closes itself after 30 days without a new message; replying "
        "opens it again."
    ),
    gettext_noop("Your support inquiries"),
    gettext_noop(
        "To answer your questions and keep the conversation in one place until it is resolved."
    ),
    gettext_noop("The account the inquiry belongs to: yours."),
    gettext_noop("Posts you reported"),
    gettext_noop(
        "To let our moderators act on posts that break the rules. The person who wrote the "
        "post never learns who reported it."
    ),
    gettext_noop("Our moderators"),
    gettext_noop(
        "When you delete your account, your reports stay for the moderators without your note "
        "or anything that links them to you."
    ),
    gettext_noop("Your community comments"),
    gettext_noop("To show the comments you write to everyone, as the community service does."),
    gettext_noop("Everyone: community comments are public"),
    gettext_noop(
        "When you delete your account, your posts stay on their threads as written by "
        "“deleted user”, with nothing that links them to you; delete a post yourself first if "
        "you want it gone. Posts staff delete for breaking the rules are deleted at once."
    ),
    gettext_noop("Your community threads"),
    gettext_noop(
        "To show the discussions you start to everyone, as the community service does. A "
        "thread's optional place tag (§2.8) is the place you chose for it, never worked out "
        "from your device."
    ),
    gettext_noop("Everyone: community threads are public"),
    gettext_noop("CVs"),
    gettext_noop(
        "Your CV files, sent to the recruiters you choose; their text is used to match you "
        "with recruiters."
    ),
    gettext_noop(
        "Until you delete the CV; the stored files are deleted with it. A file we refuse is "
        "deleted at once; the notice stays until you dismiss it."
    ),
    gettext_noop("Sign-in sessions"),
    gettext_noop(
        "To show you where you are signed in and let you sign out elsewhere; to protect your "
        "account."
    ),
    gettext_noop("The key of your session cookie: it would let anyone holding it in."),
    gettext_noop("Technical details of the session kept by our sign-in library."),
    gettext_noop("the session ends (you sign out, or 14 days without use)"),
    gettext_noop("Sign-ins to your account"),
    gettext_noop(
        "To show you when, from which IP address and on which browser and device your account "
        "was signed in to, so you can spot and stop a sign-in that was not yours."
    ),
    gettext_noop("Nobody outside Job Letters"),
    gettext_noop(
        "A one-way hash of the sign-in's session key: it only finds that session to end it "
        "when you say it was not you."
    ),
    gettext_noop("the sign-in"),
    gettext_noop(
        "The IP address is shortened to its network (the last part removed: 203.0.113.0 "
        "instead of 203.0.113.77) after 30 days."
    ),
    gettext_noop("The site you came from when you signed up"),
    gettext_noop(
        "To understand which sites bring people to Job Letters. Only the site's name is kept "
        "(for example www.example.org), never the page or anything else about your visit, and "
        "nothing when your browser asks not to be tracked."
    ),
    gettext_noop("you signed up"),
    gettext_noop("Session cookies"),
    gettext_noop("To keep you signed in between pages (a strictly necessary cookie)."),
    gettext_noop("Internal state of your visit (which account is signed in)."),
    gettext_noop("the session expires (14 days, or when you sign out)"),
    gettext_noop("Consents you gave or withdrew"),
    gettext_noop(
        "To prove that we only share or use your information the way you allowed, and to "
        "respect your choices."
    ),
    gettext_noop("Links to your packets"),
    gettext_noop("The private link each recruiter gets to your packet page, and when it expires."),
    gettext_noop("A one-way hash that only checks the recruiter's link."),
    gettext_noop("Once your account is deleted only the hash and dates stay, without you."),
    gettext_noop("Packets sent to recruiters"),
    gettext_noop(
        "To send each packet once, and to show you what happened to it: sent or sent "
        "(unconfirmed), opened, CV link opened, failed or revoked."
    ),
    gettext_noop("The recruiters you chose, each only their own packet"),
    gettext_noop("The email's technical identifier, for our mail logs only."),
    gettext_noop("The send it used, which your billing records show."),
    gettext_noop("When our worker started sending it (internal timing)."),
    gettext_noop("How long our worker may take to send it (internal timing)."),
    gettext_noop("When the mail server was handed all of it (internal timing)."),
    gettext_noop("Recruiters in our directory"),
    gettext_noop(
        "To offer job seekers the recruiters who place people in the roles and places they "
        "want, and to send a recruiter the packets seekers choose to send them."
    ),
    gettext_noop("they opted out"),
    gettext_noop(
        "Otherwise kept while they are in our directory; staff export or erase a recruiter's "
        "details on request, found by their email address."
    ),
    gettext_noop("Recruiters who opted out"),
    gettext_noop(
        "So that an address that asked for no more packets never receives one again, even "
        "after its details are erased or imported again."
    ),
    gettext_noop("A one-way hash of the address, only compared with new entries."),
    gettext_noop("Kept while Job Letters sends packets, as the recruiter's lasting wish."),
    gettext_noop("When recruiters opened your packets"),
    gettext_noop("To show you when each recruiter opened your packet page or downloaded your CV."),
    gettext_noop("Who received your information"),
    gettext_noop(
        "A record of every time your information left Job Letters: to which recruiter or "
        "authority, what, when, and on what basis."
    ),
    gettext_noop("The recruiters you chose"),
    gettext_noop("Public authorities, when the law requires it"),
    gettext_noop("Your sends to recruiters"),
    gettext_noop(
        "What you agreed to share with the recruiters you chose, exactly as you saw it, so "
        "that they receive that and nothing else."
    ),
    gettext_noop("Legal requests (staff records)"),
    gettext_noop(
        "Our record of each request from an authority and how we answered it. About the "
        "people in it, see “Legal requests about you”."
    ),
    gettext_noop("Our staff's notes on a legal matter."),
    gettext_noop("the request arrived"),
    gettext_noop("Legal requests about you"),
    gettext_noop(
        "Requests from authorities for information about you, what we did with them, and when "
        "we told you. You see a request once the law allows us to tell you."
    ),
    gettext_noop("The authority that made the request"),
    gettext_noop("The account the request is about: yours."),
    gettext_noop(
        "The copy of your data we handed over, for our staff; everything in it is in the rest "
        "of your copy."
    ),
    gettext_noop("When that copy was made (for our staff)."),
    gettext_noop("Internal: when the disclosure was added to your log."),
    gettext_noop("Changes to our processors"),
    gettext_noop(
        "What changed in the list of companies that process personal data for us, and which "
        "member of staff changed it."
    ),
    gettext_noop(
        "Kept as the history of our processors; a member of staff who leaves is removed from it."
    ),
    gettext_noop("Emails about changes to our processors"),
    gettext_noop(
        "To email you when we add, change or stop using a company that processes personal "
        "data for us, as you asked."
    ),
    gettext_noop("The account that subscribed: yours (its address is used)."),
    gettext_noop("Or until you unsubscribe: every email has a link that does it at once."),
    gettext_noop("Legal holds"),
    gettext_noop(
        "Records we must keep past a deletion request to comply with the law, protect our "
        "rights or resolve a dispute."
    ),
    gettext_noop("Our staff's notes on a legal matter; ask us and we answer as the law allows."),
    gettext_noop("the hold is released"),
    gettext_noop("Requests to delete your account"),
    gettext_noop(
        "To honour your request to delete your account, on time, and to show that we did."
    ),
    gettext_noop("the request"),
    gettext_noop(
        "Once your account is erased the request is kept without you, as proof it was honoured."
    ),
    gettext_noop("Copies of your data you asked for"),
    gettext_noop("To prepare the copy of your data you asked for and let you download it."),
    gettext_noop("The earlier copy of your data itself (you downloaded it, or it expired)."),
    gettext_noop("the copy is ready"),
    gettext_noop("The file is deleted then; the request stays in your history."),
)
