"""The demo case's story: what the officer noted, what the witness said, what the forms
record and the exhibits show. All invented, and consistent as a defence lawyer would read
it (the notes agree with the statement, the forms and the exhibits). No vault here:
:mod:`rvr_desktop.evidence.demo` builds the case from these.
"""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rvr_desktop.evidence.clock import DOCUMENT_ZONE

UK = ZoneInfo(DOCUMENT_ZONE)

DEMO_REFERENCE = "DEMO-2026-0001"
DEMO_OFFICER = "Jane Smith"
DEMO_FORCE = "Essex Police (demo)"


# (minutes after the call started, note text, what else happens then): an invented
# account, told over an hour and three quarters. It agrees, line for line, with the
# statement, the forms and the exhibits below, as a defence lawyer would check it.
DEMO_NOTES: tuple[tuple[float, str, str], ...] = (
    (0.5, "Victim on video from her sister's kitchen. Door closed, alone in the room.", ""),
    (
        1.2,
        "Safe word agreed at the safety gate and confirmed with her. Victim can talk freely.",
        "",
    ),
    (2.0, "Victim appears tearful, speaking quietly but clearly.", ""),
    (3.1, "Incident last night about 22:30 at home address after partner returned from pub.", ""),
    (4.4, "Partner shouted about money, threw a mug which hit the wall by her head.", ""),
    (5.6, "Victim went upstairs to check on children (two, aged 4 and 7).", ""),
    (
        6.9,
        "Partner followed, grabbed her left upper arm and pushed her against the landing wall.",
        "",
    ),
    (
        8.0,
        "Victim shows bruising on left upper arm to camera: four round marks, purple. Small "
        "cut to her right hand from the mug.",
        "",
    ),
    (8.7, "Screen capture taken of the bruising as shown on the call.", "capture"),
    (10.2, "Partner took her phone and said she would not call anyone.", ""),
    (11.5, "Victim left at about 06:00 with children while partner slept, went to sister's.", ""),
    (
        13.0,
        "Victim says this is not the first time: pushed about four months ago, slapped about "
        "six weeks ago.",
        "",
    ),
    (14.8, "She did not report earlier incidents; afraid of losing the house.", ""),
    (
        16.1,
        "Partner has sent 23 messages since 07:00, some threatening. Victim will send them.",
        "",
    ),
    (17.3, "Messages received by upload link: a text file of all 23 messages.", "messages"),
    (18.9, "One message reads that he will 'find her wherever she goes'.", ""),
    (20.4, "Victim believes partner does not know the sister's address.", "interruption"),
    (21.9, "Victim says partner has access to her location through a shared phone account.", ""),
    (23.0, "Advised victim to turn off location sharing; she has done so on the call.", ""),
    (24.0, "Children are in the next room with the sister; both unharmed.", ""),
    (25.8, "Victim agrees to a referral to the IDVA service and to children's services.", ""),
    (26.9, "Victim asks about Clare's Law; explained right to ask; she applied on the call.", ""),
    (
        28.0,
        "Referrals sent to the IDVA service and children's services by secure email; see "
        "safeguarding form.",
        "safeguarding",
    ),
    (29.4, "Began DASH risk questions with the victim.", ""),
    (40.0, "DASH risk questions completed with victim; see DASH form.", "dash"),
    (41.2, "Victim personal statement explained and offered; victim will think about it.", ""),
    (42.1, "Victims' Code leaflet sent by email with the victim's agreement.", ""),
    (
        43.0,
        "Special measures explained; victim would like screens or a live link at court.",
        "",
    ),
    (44.0, "Began taking statement in the victim's own words.", "statement"),
    (84.5, "Statement finished; began reading it back to the victim.", ""),
    (98.0, "Statement read back to the victim in full over the video.", "read_back"),
    (99.1, "Victim confirms the statement is true and typed her name to confirm.", "confirm"),
    (
        101.0,
        "Safety plan agreed: stay at sister's, 999 if partner attends, safe word on calls.",
        "",
    ),
    (102.2, "Victim thanked; call-back arranged for tomorrow 10:00.", ""),
)

AMENDED_NOTE_INDEX = 3
AMENDMENT_TEXT = "Incident last night about 23:30 at home address after partner returned from pub."
AMENDMENT_REASON = (
    "At the read-back the victim confirmed the time was about 23:30, not 22:30 as first noted."
)

CHILDREN_AGES = (7, 4)
"""The children's ages on the day of the call, eldest first, as the notes and statement say."""

WITNESS_NAME = "Alex Morgan"

DEMO_STATEMENT_PARAGRAPHS = (
    "I am the above named person. I live with my partner, whom I will call Sam in this "
    "statement, and our two children, who are four and seven years old. We have lived "
    "together at our address for nine years. I am making this statement over a video call "
    "from my sister's house, where I am staying with the children.",
    "Yesterday evening Sam went to the pub after work. He came home at about half past "
    "eleven at night. I know the time because I looked at the clock on the cooker when I "
    "heard the front door. He was loud and I could smell alcohol on him. He asked me where "
    "the money from our joint account had gone. I told him I had paid the gas bill and "
    "bought school shoes for our eldest.",
    "Sam started shouting that I was useless and that I wasted his money. He picked up a "
    "mug from the draining board and threw it across the kitchen. It hit the wall next to "
    "my head and smashed. A piece of it cut my hand slightly. I was frightened because he "
    "has never thrown anything that close to me before.",
    "I heard our youngest crying upstairs, so I went up to check on the children. Sam "
    "followed me up the stairs. On the landing he grabbed my left arm above the elbow with "
    "his right hand. He squeezed very hard and pushed me back against the wall. He held me "
    "there and put his face close to mine and said that if I ever touched his money again I "
    "would regret it. It hurt a lot and I could not pull my arm away.",
    "He let go when our eldest opened the bedroom door. I went into the children's room and "
    "stayed there with them. I heard Sam go downstairs. Later I went to get my phone from my "
    "bag in the hallway but it was not there. Sam had it. He said I would not be calling "
    "anybody. I did not sleep that night. I lay awake with the children.",
    "At about six o'clock this morning Sam was asleep on the sofa. I found my phone on the "
    "kitchen table. I woke the children quietly, dressed them and left the house with them. "
    "I drove to my sister's house. I did not take anything else with me apart from a bag "
    "of the children's clothes.",
    "This morning I have bruises on my left upper arm. There are four round marks where his "
    "fingers were. They are purple and they are tender to touch. I showed them to the "
    "officer on the video call. I also have a small cut on my right hand from the mug.",
    "Since seven o'clock this morning Sam has sent me twenty-three text messages. Some "
    "ask where I am. Some say I cannot take the children. One says he will find me wherever "
    "I go. I have sent copies of these messages to the officer. I am scared of what he will "
    "do when he finds out I have spoken to the police.",
    "This is not the first time Sam has hurt me. About four months ago he pushed me into the "
    "door frame during an argument and I hit my shoulder. About six weeks ago he slapped me "
    "across the face in the car. I did not report these times because I was worried about "
    "where the children and I would live, and because he said sorry afterwards.",
    "Sam has access to my phone's location through a shared account. During the call the "
    "officer helped me turn this off. I do not think Sam knows my sister's address, but he "
    "knows which town she lives in.",
    "I did not give Sam permission to grab me, push me or hold me against the wall. I did "
    "not give him permission to take my phone. I want the police to help me and the "
    "children to be safe. I am willing to go to court if I need to.",
    "I have been told about the Victims' Code and I have agreed to be referred to an "
    "independent domestic violence adviser. I have been offered the chance to make a "
    "victim personal statement and I will think about it and tell the officer.",
    "I would describe Sam as white, thirty-eight years old, about six feet tall and of "
    "heavy build, with short dark hair and a beard. He works as a delivery driver and "
    "usually finishes work at about five o'clock in the afternoon.",
    "I want to explain how things have been at home over the last year, because I think it "
    "helps to understand why I am frightened now. Sam controls our money. My wages go into "
    "the joint account and he decides what I can spend. If I buy something he has not "
    "agreed to, he checks the receipts and asks me to explain. He has told me more than "
    "once that if I left him I would have nothing and the children would have nothing.",
    "He also checks my phone. He reads my messages and asks who I have been talking to. If "
    "a friend sends me a message he asks what it means and sometimes tells me not to reply. "
    "I have stopped seeing most of my friends because it causes arguments. My sister is the "
    "only person I still see regularly, and Sam does not like her.",
    "When Sam drinks he becomes angry very quickly. He goes to the pub two or three evenings "
    "a week. I have learned to keep the children upstairs when he comes home, and to agree "
    "with whatever he says. Last night I made the mistake of answering back "
    "about the money, and that is when he threw the mug.",
    "After he grabbed my arm on the landing I was shaking. I did not scream because I did "
    "not want to frighten the children more than they already were. Our eldest asked me why "
    "Daddy was shouting. I told her it was nothing and to go back to sleep. I held my "
    "youngest until he fell asleep again.",
    "I did not go to a doctor this morning because I wanted to get the children safe first. "
    "My arm hurts when I lift it above my shoulder and when I pick up my youngest. The cut "
    "on my hand has stopped bleeding. I am willing to see a doctor and to have photographs "
    "taken of my injuries by the police if that would help.",
    "My sister has said the children and I can stay with her for as long as we need to. She "
    "has a lock on her front door and a camera doorbell. I feel safer here than at home, but "
    "I am worried that Sam will come to look for us, because he knows the town where she "
    "lives and he knows her car.",
    "I know that what Sam has done is wrong. For a long time I told myself that it was "
    "because of the drink or because he was stressed at work. I do not believe that any "
    "more. I am afraid that next time he will really hurt me, or that the children will "
    "see something worse. That is why I have decided to report it now.",
    "I understand that this statement may be used in court and that I may be asked to give "
    "evidence. I would prefer not to see Sam in court. I have been told about special "
    "measures, such as giving evidence from behind a screen or by a video link, and I would "
    "like to be considered for them.",
    "I have read this statement, or it has been read back to me over the video call, and "
    "it is true. I have been able to correct anything that was wrong.",
)


def call_date(call_start_utc_ms: int) -> date:
    """The day of the call in the UK, where every date in the case is written."""
    return datetime.fromtimestamp(call_start_utc_ms / 1000, tz=UTC).astimezone(UK).date()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year - years, day=28)


def children_dates_of_birth(call_start_utc_ms: int) -> tuple[date, ...]:
    """The children's dates of birth: aged :data:`CHILDREN_AGES` on the day of the call."""
    day = call_date(call_start_utc_ms)
    # Each birthday a few months before the call, so each age holds whatever the date.
    return tuple(
        _years_before(day, age) - timedelta(days=days_since_birthday)
        for age, days_since_birthday in zip(CHILDREN_AGES, (137, 250), strict=True)
    )


def _after_start(call_start_utc_ms: int, minutes: float) -> str:
    """A date-time answer (ISO 8601, UTC) ``minutes`` into the call."""
    moment = datetime.fromtimestamp(call_start_utc_ms / 1000 + minutes * 60, tz=UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def demo_gate_answers(example: dict[str, Any]) -> dict[str, Any]:
    """The safety gate as answered before this call (the template's example, made to fit)."""
    return {
        **example,
        "children_present": "yes",
        "children_details": (
            "Two children, aged 4 and 7, in the next room with the victim's sister; the victim "
            "says they are safe."
        ),
        "callback_number": "07700 900123",
    }


def demo_safeguarding_answers(call_start_utc_ms: int) -> dict[str, Any]:
    """Clare's Law, the two referrals the victim agreed to, the children, updates owed."""
    day = call_date(call_start_utc_ms)
    eldest, youngest = children_dates_of_birth(call_start_utc_ms)
    return {
        "dvds_route": "right_to_ask",
        "dvds_application_date": day.isoformat(),
        "dvds_notes": (
            "The victim asked about her partner's history during the call and applied under "
            "the right to ask."
        ),
        "referrals": [
            {
                "service": "idva",
                "outcome": "made",
                "made_to": "Local IDVA service, duty worker (secure email)",
                "made_at": _after_start(call_start_utc_ms, 27.3),
                "owed_what": "IDVA to confirm first contact with the victim",
                "owed_by": (day + timedelta(days=2)).isoformat(),
            },
            {
                "service": "childrens_services",
                "outcome": "made",
                "made_to": "Children's services, duty social worker (secure email)",
                "made_at": _after_start(call_start_utc_ms, 27.6),
                "owed_what": "Children's services to confirm they have the referral",
                "owed_by": (day + timedelta(days=1)).isoformat(),
            },
        ],
        "children_in_household": "yes",
        "children": [
            {
                "name": "Child A (the elder)",
                "date_of_birth": eldest.isoformat(),
                "school_or_setting": "Example Primary School",
                "present": "yes",
            },
            {
                "name": "Child B (the younger)",
                "date_of_birth": youngest.isoformat(),
                "school_or_setting": "Example Primary School",
                "present": "yes",
            },
        ],
        "childrens_services_informed": "yes",
        "consent_to_share": "yes",
        "consent_limits": "Not to be shared with her employer.",
        "victims_code_explained": "yes",
        "update_preference": "text_message",
        "updates_owed": [
            {
                "what": "Whether the suspect has been arrested",
                "owed_by": (day + timedelta(days=1)).isoformat(),
            }
        ],
    }


def _yes(note: str = "") -> dict[str, str]:
    return {"answer": "yes", "note": note}


def _no(note: str = "") -> dict[str, str]:
    return {"answer": "no", "note": note}


def _not_known(note: str = "") -> dict[str, str]:
    return {"answer": "not_known", "note": note}


def demo_dash_answers() -> dict[str, Any]:
    """The risk questions as the victim answered them: only what the notes and statement say."""
    return {
        "injured": _yes(
            "Four round purple bruises on the left upper arm, shown on camera (capture JS/1); "
            "a small cut to the right hand from the mug."
        ),
        "very_frightened": _yes("Scared of what he will do when he finds out she told police."),
        "fears_more_harm": _yes(
            "Afraid that next time he will really hurt her, or the children will see worse."
        ),
        "isolated": _yes("Has stopped seeing most friends; sees only her sister."),
        "low_or_suicidal": _no(),
        "separated": _yes("Left home with the children this morning; staying at her sister's."),
        "child_contact_conflict": _yes("His messages say she cannot take the children."),
        "unwanted_contact": _yes(
            "23 messages since 07:00; one says he will find her wherever she goes."
        ),
        "pregnant_or_new_baby": _no(),
        "children_in_household": _yes("Two children, aged 4 and 7."),
        "abuser_harmed_children": _no("Not to her knowledge; both children unharmed."),
        "more_often": _yes("Pushed about four months ago, slapped about six weeks ago, now this."),
        "more_serious": _yes("He has never thrown anything that close to her before."),
        "controlling": _yes("Controls their money, checks her receipts and reads her phone."),
        "weapon": _yes("Threw a mug, which smashed on the wall next to her head."),
        "threat_to_kill": _no("No threat to kill; he said she would regret it."),
        "strangulation": _no(),
        "sexual_abuse": _no(),
        "others_threatening": _no(),
        "abuser_hurt_others": _not_known(),
        "animals": _no(),
        "money_or_job": _not_known(),
        "drink_or_drugs": _yes("Drinks at the pub two or three evenings a week; angry when drunk."),
        "abuser_mental_health": _not_known(),
        "abuser_suicidal": _no(),
        "breached_orders": _no("No orders or bail conditions known."),
        "police_history": _not_known(),
        "other_information": (
            "He knows the town where her sister lives and knows her car. He could see her "
            "location through a shared phone account until she turned it off on the call."
        ),
        "stalking_supplement_used": "yes",
        "st_frightened": _yes("The messages frighten her."),
        "st_before": _not_known(),
        "st_turns_up": _no(),
        "st_third_parties": _no(),
        "st_messages_items": _yes("23 text messages since 07:00."),
        "st_threats": _yes("'Call me now or you'll regret it'."),
        "st_damage": _no(),
        "st_escalating": _not_known("First day of messages since she left; nothing to compare."),
        "st_technology": _yes("Location shared through a joint phone account; turned off."),
        "st_fixated": _not_known(),
        "st_breaches": _no(),
    }


def demo_statement_answers(call_start_utc_ms: int) -> dict[str, Any]:
    year = call_date(call_start_utc_ms).year % 100
    restricted = {
        "home_address": "12 Invented Close, Exampletown, EX1 2MP",
        "phone": "07700 900123",
        "email": "alex.morgan@example.org",
        "date_of_birth": "1989-03-14",
        "preferred_contact": "text_message",
        "contact_cautions": (
            "Do not leave voicemails or write to the home address: Sam lives there and can see "
            "her phone account. She is staying with her sister for now."
        ),
        "dates_to_avoid": "None given yet.",
        "special_measures": ["screens", "live_link"],
        "needs": "",
        "consent_medical_records": "yes",
        "vps_offered": "yes",
        "victims_code_leaflet": "yes",
    }
    return {
        # Typed as an officer might, with spaces; the form keeps it as 42CH00123YY.
        "urn": f"42 CH 00123 {year:02d}",
        "witness_name": WITNESS_NAME,
        "age_band": "over_18",
        "occupation": "Teaching assistant",
        "statement_text": "\n\n".join(DEMO_STATEMENT_PARAGRAPHS),
        **restricted,
    }


DEMO_MESSAGES = (
    "07:02 Where are you",
    "07:05 Answer the phone",
    "07:09 Where have you taken the kids",
    "07:16 Pick up the phone",
    "07:31 You can't just take the kids",
    "07:44 They're my kids too",
    "08:10 I will find you wherever you go",
    "08:12 Don't think I won't",
    "08:45 Call me now or you'll regret it",
    "09:20 Answer me",
    "09:58 I'm not angry just tell me where you are",
    "10:40 You've got no money, how are you going to manage",
    "11:15 Everyone will know what you're like",
    "12:03 Answer",
    "12:30 I'm sorry about last night, come home",
    "13:12 Why are you doing this to me",
    "14:05 You've got nothing without me",
    "14:47 Answer the phone",
    "15:30 I'm going to find you",
    "16:22 Don't you dare go to the police",
    "17:05 Last chance",
    "17:48 Call me",
    "18:20 Where are you",
)
"""The partner's messages since 07:00 on the day of the call (UK time), as the victim sent them."""


def demo_messages_text() -> str:
    header = f"Messages received from partner (invented demo data): all {len(DEMO_MESSAGES)}"
    return header + "\n\n" + "\n".join(DEMO_MESSAGES) + "\n"


def demo_image_png(width: int = 320, height: int = 200) -> bytes:
    """A small synthetic picture (no real person), encoded as PNG with the standard library."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            in_mark = any(
                (x - cx) ** 2 / 180 + (y - cy) ** 2 / 90 < 1
                for cx, cy in ((120, 90), (150, 84), (180, 92), (205, 104))
            )
            row += bytes((120, 60, 130) if in_mark else (222, 184, 160))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
