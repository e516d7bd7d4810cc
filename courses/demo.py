"""Demo courses for Kestrel Rail: the catalogue, three courses and their lessons.

Written in our own words for a regional rail company's managers and staff. ``seed_demo``
calls :func:`demo_courses_seed` after the competency framework; running it again changes
nothing (no new revisions).
"""

import copy
import re

from django.db import transaction

from cms.models import HomePage
from competencies.models import Competency

from .models import Audience, CourseIndexPage, CoursePage, LessonPage

# --- Writing helpers: content is authored in wrapped strings and stored as tidy HTML ------

_AROUND_BLOCK_TAGS = re.compile(r"\s*(</?(?:p|ul|ol|li)>)\s*")


def _html(source: str) -> str:
    """Collapse the line breaks and indentation of a wrapped string into one line of HTML."""
    return _AROUND_BLOCK_TAGS.sub(r"\1", " ".join(source.split()))


def _plain(source: str) -> str:
    return " ".join(source.split())


def heading(value: str) -> dict:
    return {"type": "heading", "value": value}


def text(source: str) -> dict:
    return {"type": "text", "value": _html(source)}


def tip(title: str, source: str, tone: str = "tip") -> dict:
    return {"type": "tip", "value": {"tone": tone, "title": title, "text": _html(source)}}


def try_it(title: str, source: str, time_needed: str) -> dict:
    return {
        "type": "try_it",
        "value": {"title": title, "instructions": _html(source), "time_needed": time_needed},
    }


def quote(words: str, attribution: str) -> dict:
    return {"type": "quote", "value": {"quote": _plain(words), "attribution": attribution}}


def check(question: str, choices: list[tuple[str, bool]], explanation: str) -> dict:
    return {
        "type": "knowledge_check",
        "value": {
            "question": _plain(question),
            "choices": [{"text": _plain(answer), "correct": right} for answer, right in choices],
            "explanation": _html(explanation),
        },
    }


RIGHT, WRONG = True, False

INDEX_INTRO = _html(
    """<p>Short courses for Kestrel Rail's managers and staff: a few minutes of reading per
    lesson, a question to check you have got it, and something to try on a real platform
    before the next session.</p>"""
)

# --- Course 1: Social media literacy for managers ----------------------------------------

MANAGERS_LESSONS = [
    {
        "slug": "why-managers-go-first",
        "title": "Why managers go first",
        "summary": "Travellers are already talking about us online. Before your team can join "
        "in, you need to know how it works, and the quickest way to learn is to try it.",
        "minutes": 7,
        "competencies": [],  # an overview: it covers the course's competencies
        "body": [
            heading("The conversation is already happening"),
            text(
                """<p>Every morning, somewhere on our network, a train is late, a ticket
                machine is out of order or a conductor goes out of their way for someone.
                Travellers write about it within minutes: on X, in Facebook groups for
                commuters, in reviews of our stations, in LinkedIn posts about the journey to
                work. Most of it is never addressed to us. People simply talk, and they talk
                whether or not we listen.</p>
                <p>For a long time Kestrel Rail answered all of this from one desk in
                communications. One person knew the tools, the passwords and the tone, and
                every question from every team went to them. That works until it does not:
                until they are on holiday, or the questions arrive faster than one person can
                type, or a team needs something only it knows, such as why the 07:42 was
                cancelled.</p>"""
            ),
            heading("Why you, and why first"),
            text(
                """<p>Decisions about social media are made by managers: who may post, how
                much time a team spends on it, whether the control room gets a login. Many
                managers tell us, honestly, that they have never replied to a stranger online
                and are not sure how it works. That is normal, and it is exactly why this
                course starts with you. It is hard to plan for something you have never done
                yourself.</p>
                <p>The course is short on purpose. Each lesson takes a few minutes to read,
                and each asks you to do one small thing on a real platform before the next
                session. You will work in a small group of managers from other teams, where
                nobody minds a beginner's question. By the end you will not be an expert, and
                you do not need to be. You will know enough to make good decisions and to
                back the people in your team who want to take part.</p>"""
            ),
            quote(
                """I had signed off a social media budget for three years without ever
                reading one of our replies. The first session was a little embarrassing and
                very useful.""",
                "A regional operations manager in the pilot group",
            ),
            tip(
                "Literacy, not expertise",
                """<p>You do not have to post every day. The goal is to understand what you
                are deciding about: how people talk, what they expect and what a good reply
                looks like.</p>""",
            ),
            try_it(
                "Find one conversation about your area",
                """<ol><li>Open a platform you have an account on, or its public search page
                if you have none.</li>
                <li>Search for the name of a station, line or service your team looks
                after.</li>
                <li>Read the ten most recent posts. Count how many mention a problem, a
                question or praise.</li>
                <li>Bring the three numbers to the next session. Do not reply to anything
                yet.</li></ol>""",
                "15 minutes",
            ),
            check(
                "Why does Kestrel Rail teach managers before everyone else?",
                [
                    (
                        "Because managers decide about social media and need to understand what "
                        "they are deciding about",
                        RIGHT,
                    ),
                    ("Because only managers are allowed to post for the company", WRONG),
                    (
                        "Because managers should answer all questions from travellers themselves",
                        WRONG,
                    ),
                ],
                """<p>Managers decide who posts, how much time a team spends on it and who
                gets access. Knowing how it works from the inside makes those decisions
                better. Posting is not reserved for managers, and answering everything
                yourself is the help-desk trap we want to leave behind.</p>""",
            ),
        ],
    },
    {
        "slug": "listen-before-you-post",
        "title": "Listen before you post",
        "summary": "Ten minutes of listening tells you more about your team's reputation than "
        "any report. Where to look, what to notice and when not to reply.",
        "minutes": 8,
        "competencies": ["listening-and-monitoring"],
        "body": [
            heading("Start with your ears"),
            text(
                """<p>The most useful thing a manager can do on social media costs nothing
                and needs no approval: listen. Before anyone in your team posts a word, find
                out what is already said about the stations, lines and services you are
                responsible for. You will learn who talks about us, what they care about and
                which words they use. That is the raw material for every decision that
                follows.</p>
                <p>Listening is not the same as reading the comments under our own posts.
                Most travellers do not tag Kestrel Rail. They write "stuck outside Norbridge
                again" or "the lift at Eastwick Parkway is broken, third week running". If
                you only search for our name, you miss most of it.</p>"""
            ),
            heading("Where to look"),
            text(
                """<ul><li><b>Place names:</b> stations, towns and lines, including the
                nicknames people use.</li>
                <li><b>Service words:</b> "delayed", "cancelled", "replacement bus",
                "refund", combined with a place.</li>
                <li><b>Communities:</b> local commuter groups, neighbourhood pages, forums
                for wheelchair users and cyclists.</li>
                <li><b>Your own people:</b> what staff share publicly about their work, which
                tells you how they feel about it.</li></ul>"""
            ),
            heading("Notice, don't jump"),
            text(
                """<p>When you listen, you will find things that annoy you: an unfair post, a
                rumour that is wrong, a complaint about a colleague. Resist the urge to reply
                at once. Write it down instead. Is it a one-off or a pattern? Has anyone from
                Kestrel Rail already answered? Who would be the right person to reply?
                Patterns go to your team meeting; single posts that need a reply go to the
                people whose job it is.</p>
                <p>Do it regularly, not once. Ten minutes every Monday morning is enough to
                notice when the tone changes, and a change in tone is often the first sign of
                a problem that has not yet reached the control room or the complaints
                inbox.</p>"""
            ),
            tip(
                "Not from your personal account",
                """<p>If you find something wrong about Kestrel Rail, do not correct it from
                your own account in the heat of the moment. Pass it, with a link, to the team
                that owns the topic.</p>""",
                tone="warning",
            ),
            try_it(
                "A month of Monday listening",
                """<ol><li>Pick three search terms: a station, a line and one service
                word.</li>
                <li>Search for them on two platforms and read what came up in the last seven
                days.</li>
                <li>Write down one pattern you noticed and one post you think someone should
                answer.</li>
                <li>Repeat every Monday and share what you find with your group.</li></ol>""",
                "10 minutes a week",
            ),
            check(
                """A traveller posts that the lift at their station has been broken for three
                weeks, without tagging Kestrel Rail. What is the most useful thing for a
                listening manager to do?""",
                [
                    (
                        "Note it, check whether it is a pattern, and pass it to the team that "
                        "can answer it and fix the lift",
                        RIGHT,
                    ),
                    ("Reply from your personal account that the lift is fine", WRONG),
                    ("Ignore it, because it was not addressed to us", WRONG),
                    ("Ask the traveller to delete the post", WRONG),
                ],
                """<p>Listening is for noticing and routing. The post tells you something real
                about a station whether or not we were tagged, and the right team can answer
                it and, more importantly, fix the lift.</p>""",
            ),
            check(
                "Which search is most likely to find what travellers say about a delay?",
                [
                    ("Our company name only", WRONG),
                    (
                        "A station or line name combined with a word like delayed or cancelled",
                        RIGHT,
                    ),
                    ("The replies under our own posts", WRONG),
                ],
                """<p>Most travellers do not tag us. They name the place and the problem, so
                that is what to search for.</p>""",
            ),
        ],
    },
    {
        "slug": "hub-and-spoke",
        "title": "Hub and spoke: who does what",
        "summary": "The communications hub sets the direction and the guardrails; your team "
        "runs its own presence. How the work is shared, and what it means for you.",
        "minutes": 8,
        "competencies": ["strategy-and-governance", "policy-and-compliance"],
        "body": [
            heading("Out of the help desk"),
            text(
                """<p>When one central team does all the social media work, it turns into a
                help desk: every question queues at the same door, and the people who know
                the answers (the control room, the ticket offices, the sales team) are two
                steps away from the conversation. Kestrel Rail is moving to a different
                model, known as hub and spoke.</p>
                <p>The <b>hub</b> is the small communications team. It sets the strategy,
                writes the social media policy, runs the training and looks after the main
                company accounts. The <b>spokes</b> are the business units: marketing,
                customer support, sales, retail, operations with the control room, and the
                people team. Each spoke runs its own part of the conversation, with its own
                trained people, because it knows its subject best.</p>"""
            ),
            heading("What the hub does for you, and what it does not"),
            text(
                """<ul><li>It gives you a policy in plain words, templates, training and a
                second opinion on difficult posts.</li>
                <li>It helps you set up accounts properly and keeps a register of who owns
                which one.</li>
                <li>It steps in on big incidents and works with the press office.</li>
                <li>It does <b>not</b> write your team's day-to-day replies. That is what
                the spokes are for.</li></ul>"""
            ),
            heading("Your decisions as a spoke manager"),
            text(
                """<p>Three things are yours to decide, with the hub's help. First, who in
                your team speaks online and how much of their week that takes: put it in
                their job, not on top of it. Second, which accounts your team uses and who
                owns them. Every account has a named owner and at least one deputy, and the
                passwords live in the company password manager, never in someone's notebook.
                Third, how your team follows the policy: everyone who posts has read it,
                understood it and knows whom to ask.</p>
                <p>None of this needs a big project. A one-page agreement with the hub,
                reviewed twice a year, is usually enough.</p>"""
            ),
            quote(
                """The day the control room got its own trained people was the day we stopped
                forwarding screenshots to head office and waiting.""",
                "A control room supervisor",
            ),
            tip(
                "A one-page agreement",
                """<ul><li>The accounts we run, with their owners and deputies</li>
                <li>Who replies, and in which hours</li>
                <li>What we always send to the hub first</li>
                <li>When we next review this page</li></ul>""",
                tone="example",
            ),
            try_it(
                "Draft your team's page",
                """<ol><li>Using the example above, write down what you know today about your
                team's accounts, owners and hours.</li>
                <li>Mark every line you are not sure about.</li>
                <li>Take the page to your contact in the communications hub and fill the gaps
                together.</li></ol>""",
                "30 minutes",
            ),
            check(
                "In a hub and spoke model, who writes the day-to-day replies about a team's "
                "own services?",
                [
                    ("The trained people in that team, the spoke", RIGHT),
                    ("The communications hub, for every team", WRONG),
                    ("Whoever sees the post first, from any account", WRONG),
                ],
                """<p>The spokes run their own presence because they know their subject. The
                hub enables them with policy, training and support, and steps in on big
                incidents.</p>""",
            ),
            check(
                "Which of these belong in your team's agreement with the hub? Choose all "
                "that apply.",
                [
                    ("A named owner and deputy for each account", RIGHT),
                    ("Where the passwords are kept: the company password manager", RIGHT),
                    ("A list of travellers who complain often", WRONG),
                ],
                """<p>Owners, deputies and a safe place for passwords keep your accounts
                working when people are away. Keeping lists of individual travellers is not
                something we do.</p>""",
            ),
        ],
    },
    {
        "slug": "measuring-beyond-likes",
        "title": "Measuring beyond likes",
        "summary": "Likes and followers are easy to count and tell you little. Choose a few "
        "numbers that show whether social media helps travellers and your team.",
        "minutes": 7,
        "competencies": ["measurement-and-kpis"],
        "body": [
            heading("What likes do not tell you"),
            text(
                """<p>Likes, followers and impressions are the numbers every platform shows
                first, so they are the ones that end up in reports. They are not useless, but
                they answer the wrong question. A post about a new café at Norbridge station
                can collect hundreds of likes while a stranded traveller waits two hours for
                an answer. If the report only shows likes, it says things went well on
                exactly the day they did not.</p>
                <p>Good measures start with what your team is trying to achieve. Customer
                support wants travellers to get a useful answer quickly. Operations wants
                people on a delayed train to know what is happening. Sales wants business
                customers to trust us. Each aim suggests a different number.</p>"""
            ),
            heading("A few numbers worth watching"),
            text(
                """<ul><li><b>Response time:</b> how long a question waits for a first human
                answer, in and out of office hours.</li>
                <li><b>Resolved in the channel:</b> how many questions were answered without
                sending people to a phone line.</li>
                <li><b>Trained and practising:</b> how many people in your team have finished
                a course and done something real since.</li>
                <li><b>Ready for a bad day:</b> whether your team has at least two people
                with the skills and the access to post an update.</li>
                <li><b>Tone:</b> whether what people say about your stations is getting
                better or worse, from your Monday listening.</li></ul>"""
            ),
            heading("Keep it small and honest"),
            text(
                """<p>Pick three or four numbers, not fifteen, and look at them monthly with
                your team. When a number looks bad, treat it as a question rather than a
                verdict: a slow response time may mean too few trained people, not lazy
                ones. Spoke shows some of these numbers for you, such as who is trained, who
                practises and who is ready, so you can spend your time on the conversation
                about what they mean.</p>"""
            ),
            tip(
                "Write the expectation first",
                """<p>Before you open a report, jot down what you think it will show. It is
                the easiest way to notice when you are surprised, and surprises are where you
                learn something.</p>""",
            ),
            try_it(
                "Choose your team's three numbers",
                """<ol><li>Write one sentence about what your team wants from social
                media.</li>
                <li>Pick three numbers from this lesson, or your own, that would show
                progress towards it.</li>
                <li>For each, note where the number comes from and who will look at
                it.</li>
                <li>Bring your list to the next session for feedback from the group.</li>
                </ol>""",
                "20 minutes",
            ),
            check(
                """Your team's post about a new station café got 400 likes on a day when
                questions about delays waited four hours for an answer. What does this tell
                you?""",
                [
                    ("The day went well, because engagement was high", WRONG),
                    (
                        "Likes measure interest in a post, not whether travellers were helped; "
                        "the response time shows the real problem",
                        RIGHT,
                    ),
                    ("The café post should never have been published", WRONG),
                ],
                """<p>Likes are not wrong, they just answer a different question. For a rail
                company, how quickly and how well travellers get answers matters far more
                than how many people liked a post.</p>""",
            ),
        ],
    },
    {
        "slug": "the-first-sixteen-percent",
        "title": "The first 16%: growing advocates",
        "summary": "You cannot hire enough community managers. You can back the colleagues who "
        "want to take part, and once about one in six has started, others follow.",
        "minutes": 8,
        "competencies": ["advocacy-and-coaching"],
        "body": [
            heading("Scale comes from people"),
            text(
                """<p>No communications team will ever be large enough to answer every
                traveller, in every town, at every hour. What scales is people: trained,
                willing employees who speak about their work in their own voice. A conductor
                who explains why a train waited at a junction, a ticket office clerk who
                answers a question in a local group, a sales manager who shares a customer's
                story on LinkedIn. At Kestrel Rail we call them advocates, and the most
                experienced ones, who coach others, ambassadors.</p>"""
            ),
            heading("Why 16% matters"),
            text(
                """<p>New habits spread through a group in a familiar pattern. A few people
                try something first: the innovators and early adopters, together roughly 16%
                of a group. Once that many have taken it up, the rest start to see it as
                normal rather than risky, and adoption speeds up. So you do not need to
                convince your whole team at once. In a team of thirty, five or six
                confident, visible people are the tipping point.</p>"""
            ),
            heading("What managers can do"),
            text(
                """<ul><li><b>Find the willing:</b> who already posts about their work, or
                asks about it? Start with them, not with the reluctant.</li>
                <li><b>Keep it voluntary:</b> advocacy that is ordered sounds ordered.
                Nobody should be judged for staying off social media.</li>
                <li><b>Give time and cover:</b> an hour a week in their plan, and your
                backing when they make a small mistake in good faith.</li>
                <li><b>Make progress visible:</b> mention a good reply in the team meeting,
                and let the ambassador in your team run a short session.</li></ul>
                <p>Spoke's reports draw the 16% line for each business unit, so you can see
                where your team stands. Treat it as a guide, not a target to push people
                over: five genuine advocates do more good than thirty reluctant ones.</p>"""
            ),
            quote(
                """I didn't ask my team to post. I asked who already did, and gave those
                three an hour a week. Six months later half the ticket office had joined
                in.""",
                "A retail area manager",
            ),
            tip(
                "Never script their voice",
                """<p>Advocates who copy and paste the same company text look like a
                campaign, and people notice. Share facts and ideas, and let them say it their
                way, within the policy.</p>""",
                tone="warning",
            ),
            try_it(
                "Find your early adopters",
                """<ol><li>List the people in your team who already post about their work or
                have asked about it.</li>
                <li>Have a short, informal chat with one of them: what would help them do
                more?</li>
                <li>Pick one thing you can change, such as time, training or access, and do
                it this month.</li></ol>""",
                "30 minutes over a week",
            ),
            check(
                "Your team has 30 people. What is a sensible first goal for advocacy?",
                [
                    ("Require everyone to share two company posts a week", WRONG),
                    (
                        "Support the five or six people who are already willing, so they "
                        "become visible examples",
                        RIGHT,
                    ),
                    ("Wait until the whole team agrees before anyone starts", WRONG),
                ],
                """<p>About 16% of a group, the early adopters, is where a new habit starts
                to spread on its own. In a team of 30 that is five or six people. Ordering
                everyone to post produces scripted, unconvincing posts.</p>""",
            ),
        ],
    },
]

# --- Course 2: Speaking for yourself online ----------------------------------------------

EMPLOYEES_LESSONS = [
    {
        "slug": "what-your-profile-says",
        "title": "What your profile says about you",
        "summary": "People decide who you are in a few seconds from your photo, your name and "
        "one line of text. Make sure they see what you intend.",
        "minutes": 6,
        "competencies": ["profile-and-personal-brand"],
        "body": [
            heading("Three seconds to make sense"),
            text(
                """<p>When someone reads your reply or your post, they glance at your profile
                before they decide whether to trust it. In about three seconds they take in
                your photo, your name, a line of text and perhaps where you work. That glance
                answers their real questions: is this a real person, do they know what they
                are talking about, and are they speaking for Kestrel Rail or for
                themselves?</p>
                <p>You do not need a polished personal brand. You need a profile that is
                honest, current and consistent with how you behave online.</p>"""
            ),
            heading("A checklist for your profile"),
            text(
                """<ul><li><b>Photo:</b> a clear picture of your face. A uniform is fine; a
                photo taken in a restricted area, such as the cab, the depot or the control
                room, is not.</li>
                <li><b>Name:</b> your real name, or the name colleagues know you by.</li>
                <li><b>Bio:</b> what you do, in plain words. "Conductor on the coast line"
                says more than "passionate about mobility".</li>
                <li><b>Employer:</b> once you mention Kestrel Rail, people read everything
                you write in that light, fairly or not.</li>
                <li><b>Old posts:</b> scroll back a year. Would you be happy for a traveller
                to read them next to your job title?</li></ul>"""
            ),
            heading('The limits of "views my own"'),
            text(
                """<p>Many people add "views my own" to their bio. It is a fair reminder that
                you are not the official voice of the company, and we encourage it if you
                mention your employer. But it is not a shield. If you post something rude
                about a traveller or share something confidential, the disclaimer changes
                nothing. What protects you is judgement, not a line of text.</p>
                <p>Keep your roles clear, too. If you also help run a team account, such as
                the one for the station shops, answer from that account when you speak in
                that role, and from your own when you speak for yourself.</p>"""
            ),
            tip(
                "A bio that works",
                """<p>"Ticket office at Eastwick Parkway, Kestrel Rail. Ask me about
                railcards. Views my own." Clear, specific and friendly, in under a hundred
                characters.</p>""",
                tone="example",
            ),
            try_it(
                "Look at yourself as a stranger",
                """<ol><li>Log out, or open a private browser window, and look at your own
                public profile.</li>
                <li>Read your photo, name, bio and last five posts as if you were a traveller
                who has just had a reply from you.</li>
                <li>Change one thing that would make it clearer who you are.</li>
                <li>Note what you changed, and why, for your trainer.</li></ol>""",
                "15 minutes",
            ),
            check(
                'You add "views my own" to your bio. What does it do?',
                [
                    (
                        "It shows you are not the official voice of Kestrel Rail, but you are "
                        "still responsible for what you post",
                        RIGHT,
                    ),
                    ("It means the social media policy no longer applies to you", WRONG),
                    (
                        "It lets you share confidential information as long as it is your opinion",
                        WRONG,
                    ),
                ],
                """<p>The disclaimer is a useful signal to readers, not a licence. The
                policy, confidentiality and ordinary good judgement apply with or without
                it.</p>""",
            ),
            check(
                "Which profile photo is a good choice?",
                [
                    ("A photo taken in the driver's cab", WRONG),
                    ("A clear photo of your face, in uniform on a platform", RIGHT),
                    ("A photo in front of the screens in the control room", WRONG),
                ],
                """<p>Restricted areas and operational screens can show more than you intend.
                A friendly face on a public platform tells people all they need.</p>""",
            ),
        ],
    },
    {
        "slug": "the-newspaper-test",
        "title": "The newspaper test and the policy in plain words",
        "summary": "Before you post, ask one question: would I be comfortable seeing this "
        "quoted in tomorrow's news? Then check the three things our policy asks.",
        "minutes": 7,
        "competencies": ["policy-and-compliance"],
        "body": [
            heading("One question before you post"),
            text(
                """<p>Imagine your post printed in tomorrow's local paper, next to your name
                and the words "a Kestrel Rail employee said". Would you be comfortable with
                that? If yes, post it. If you hesitate, wait, read it again tomorrow or ask
                someone. This is the newspaper test, and it catches most mistakes before they
                happen.</p>
                <p>It works because screenshots last. A post you delete after ten minutes may
                already be saved by someone else. Private groups stop being private the
                moment a member shares a screenshot. And a joke that is funny among
                colleagues reads very differently to a traveller who has just missed a
                hospital appointment because of a cancellation.</p>"""
            ),
            heading("The policy in three sentences"),
            text(
                """<p>Kestrel Rail's social media policy is longer than this, and you will be
                asked to read and acknowledge it. It comes down to three things:</p>
                <ol><li><b>Be yourself and be clear.</b> Speak in your own name, say that you
                work for Kestrel Rail when it is relevant, and do not speak for the company
                unless that is your role.</li>
                <li><b>Keep confidential things confidential.</b> Timetable changes,
                incidents, investigations, contracts and anything about a colleague or
                customer stay off social media until they are public, and often after.</li>
                <li><b>Ask when in doubt.</b> If a post is about an incident, the press, a
                complaint that is escalating or anything legal, check with your manager or
                the communications hub first.</li></ol>"""
            ),
            heading("Approval is not censorship"),
            text(
                """<p>Some posts need a second pair of eyes before they go out, especially
                posts from team accounts and anything about safety or disruption. That is not
                distrust. A colleague can spot a wrong platform number, a tone that sounds
                cold, or a detail that is not yet public. Most approvals take minutes, and on
                a busy day they save hours.</p>"""
            ),
            tip(
                "Not yet public means not yet",
                """<p>You may know on Tuesday that a station will close for engineering works
                in March. Until it is announced, it stays off social media, even as a
                hint.</p>""",
                tone="warning",
            ),
            quote(
                """The newspaper test is the only rule I really remember when my thumb is
                over the button. It has saved me twice.""",
                "A customer support adviser in the pilot group",
            ),
            try_it(
                "Run the test on your last five posts",
                """<ol><li>Open your last five public posts or comments on any
                platform.</li>
                <li>Read each one as a headline: "A Kestrel Rail employee said...".</li>
                <li>Note which pass easily, and whether any would make you hesitate.</li>
                <li>Write two sentences for your trainer about what you noticed. You do not
                need to share the posts themselves.</li></ol>""",
                "10 minutes",
            ),
            check(
                """You know that a station will close for engineering works next spring, but
                it has not been announced. A friend asks about it in a public comment. What
                do you do?""",
                [
                    ("Confirm the dates, since it will be public soon anyway", WRONG),
                    (
                        "Say nothing about the closure and, if you answer at all, point to the "
                        "official travel updates",
                        RIGHT,
                    ),
                    ("Hint that they should plan ahead for next spring", WRONG),
                ],
                """<p>Information that is not yet public stays off social media, hints
                included. Pointing people to the official channel is always safe.</p>""",
            ),
            check(
                "Which posts should get a second pair of eyes before they go out? Choose all "
                "that apply.",
                [
                    ("A post on a team account about disruption", RIGHT),
                    ("A reply to a journalist who asks about an incident", RIGHT),
                    ("A personal post about your weekend walk", WRONG),
                ],
                """<p>Anything about disruption, safety or incidents benefits from a quick
                check, and questions from journalists go to the communications hub. Your
                weekend is your own.</p>""",
            ),
        ],
    },
    {
        "slug": "colleagues-customers-and-privacy",
        "title": "Colleagues, customers and what stays offline",
        "summary": "Stations are full of stories, and most of them belong to someone else. "
        "What not to post about travellers and colleagues, and how to keep yourself safe.",
        "minutes": 8,
        "competencies": ["privacy-and-safety"],
        "body": [
            heading("Other people's stories"),
            text(
                """<p>Working on the railway means seeing people at their best and their
                worst: the lost child reunited with a parent, the traveller who shouted at a
                colleague, the passenger taken ill on the 18:15. These moments can feel worth
                sharing. But they belong to the people involved, and those people did not
                agree to appear on your timeline.</p>
                <p>The rule is simple: <b>do not post anything that could identify a
                traveller or a colleague without their clear permission.</b> That includes
                photos and videos where faces, names or ticket details can be read,
                descriptions that people locally would recognise, and screenshots of
                messages or complaints. Blurring a face is often not enough when the place,
                the time and the situation give someone away.</p>"""
            ),
            heading("Colleagues deserve the same care"),
            text(
                """<ul><li>No complaints about a colleague or manager online, even without
                names. Raise them with your manager or the people team.</li>
                <li>No photos of rosters, staff notices or internal screens.</li>
                <li>Ask before you tag a colleague or post a photo they are in, and take it
                down if they ask.</li>
                <li>If a colleague is abused online, do not pile in. Tell your manager and
                the communications hub, who can help and report it.</li></ul>"""
            ),
            heading("Keeping yourself safe"),
            text(
                """<p>Railway staff are public figures in a small way, and a few travellers
                take their frustration out on whoever is in uniform. Think about what your
                profile and posts reveal together: your name, your station, your shifts, a
                photo of your street. Each detail is harmless alone; together they tell a
                stranger where and when to find you. Switch off location tagging, do not post
                your shifts as they happen, and keep personal accounts private if you prefer.
                If you are harassed online because of your job, it is a work matter: keep
                screenshots and report it to your manager.</p>"""
            ),
            tip(
                "Incidents are never content",
                """<p>Never post photos or details of accidents, injuries, people on the
                track or police activity at a station, however often you are asked. Those
                updates come from official channels only, out of respect for the people
                involved.</p>""",
                tone="warning",
            ),
            quote(
                """A traveller once thanked me online for finding her lost bag. I asked her
                before I shared her message. She said yes, and it made my week twice.""",
                "A ticket office clerk",
            ),
            try_it(
                "Check a photo before you share it",
                """<ol><li>Find a photo you have taken at work, or one you would like to
                post.</li>
                <li>Look at it as a stranger would: are there faces, names, screens,
                notices, door codes or rosters in view?</li>
                <li>Decide whether it can be shared as it is, needs cropping or permission,
                or should stay on your phone.</li>
                <li>Write down your decision and the reason.</li></ol>""",
                "10 minutes",
            ),
            check(
                """A traveller falls asleep on the last train and snores loudly. A colleague
                films it and asks you to share it because it is funny. What do you do?""",
                [
                    ("Share it, but blur the face", WRONG),
                    (
                        "Do not share it: the traveller has not agreed and could still be "
                        "recognised",
                        RIGHT,
                    ),
                    ("Share it in a private group only", WRONG),
                ],
                """<p>The traveller did not agree to be filmed or shared. Blurring rarely
                hides someone completely, and private groups get screenshotted. The kind
                answer and the correct one are the same: no.</p>""",
            ),
            check(
                "Which details could together tell a stranger where to find you? Choose all "
                "that apply.",
                [
                    ("Your station and your shift times, posted as they happen", RIGHT),
                    ("A photo that shows the street you live on", RIGHT),
                    ("That you enjoy walking in the hills", WRONG),
                ],
                """<p>Place and time together are what matter. Hobbies are fine; live shift
                times with your station, or your home street, are not.</p>""",
            ),
        ],
    },
    {
        "slug": "when-people-talk-about-us",
        "title": "When people talk about Kestrel Rail",
        "summary": "Sooner or later you will see a complaint about the railway in your own "
        "feed. How to help without arguing, and when to leave it to others.",
        "minutes": 7,
        "competencies": ["engagement-and-community"],
        "body": [
            heading("You will see it"),
            text(
                """<p>A neighbour posts in the village group that the 07:10 was cancelled
                again. A former classmate shares a photo of a crowded train with an angry
                caption. Someone tags you because they know you work "for the trains". Your
                first reaction may be to defend your colleagues or explain what really
                happened. Pause first: whatever you write will be read as the word of
                someone at Kestrel Rail, however clearly your profile says otherwise.</p>"""
            ),
            heading("Three good options"),
            text(
                """<p>When a complaint about Kestrel Rail turns up in your own network, you
                usually have three good options, and arguing is not one of them.</p>
                <ol><li><b>Leave it.</b> Not every post needs an answer from you, especially
                if our support account has already replied.</li>
                <li><b>Point the way.</b> A short, friendly reply that sends people to the
                right place is often the most useful thing you can do.</li>
                <li><b>Pass it on.</b> If the post mentions a safety issue, a named
                colleague, a specific incident or a journalist, do not reply. Send the link
                to your manager or the communications hub.</li></ol>"""
            ),
            heading("If you do reply"),
            text(
                """<p>Write as a person, not a press release. Acknowledge the frustration
                before anything else: someone who has stood on a platform for forty minutes
                does not want to hear about signalling first. Stick to what you know, and
                never guess at causes or times. Do not promise refunds, compensation or
                changes you cannot deliver. If the conversation needs personal details such
                as a booking reference, send it to the official support channel; never ask
                for them in public.</p>
                <p>And know when to stop. If someone is abusive or simply wants a fight, one
                polite reply is enough. You do not owe anyone a debate, and walking away is a
                perfectly professional choice.</p>"""
            ),
            tip(
                "A reply that helps",
                """<p>"That sounds like a rotten start to the day, sorry. I work at Kestrel
                Rail but not in support: the team at @kestrel_help can check what happened to
                the 07:10 and help you claim for the delay."</p>""",
                tone="example",
            ),
            try_it(
                "Practise on something real",
                """<ol><li>Find a public post from the last month in which someone complains
                about a train journey, with any operator.</li>
                <li>Without posting it, draft a reply using one of the three options in this
                lesson.</li>
                <li>Check it: does it acknowledge the person first, stick to facts and avoid
                promises?</li>
                <li>Bring your draft to the session to compare notes.</li></ol>""",
                "15 minutes",
            ),
            check(
                """Someone in a local group says a conductor was rude to them, and names the
                train. You know the conductor. What is the best response?""",
                [
                    ("Defend your colleague publicly: you know they are not rude", WRONG),
                    (
                        "Do not reply; pass the link to your manager or the support team, who "
                        "can look into it properly",
                        RIGHT,
                    ),
                    ("Ask the person for their ticket details in the comments", WRONG),
                    ("Reply that they probably misunderstood", WRONG),
                ],
                """<p>A complaint about a named colleague needs a proper, private look, not a
                public debate. Defending or doubting in public makes it worse, and personal
                details never belong in a comment thread.</p>""",
            ),
        ],
    },
    {
        "slug": "posting-about-your-work",
        "title": "Posting about your work, well",
        "summary": "The best posts about Kestrel Rail come from the people who run it. What "
        "makes a good one, how to make it accessible, and when to ask first.",
        "minutes": 7,
        "competencies": ["publishing"],
        "body": [
            heading("You have the best stories"),
            text(
                """<p>Travellers see the train and the timetable. You see what it takes: the
                engineers replacing a set of points overnight, the ticket office that knows
                every regular by name, the control room planning around a storm. Posts about
                that work, in your own words, do more for trust in Kestrel Rail than any
                advert, because they are real.</p>"""
            ),
            heading("What makes a good post"),
            text(
                """<ul><li><b>One thing, told well:</b> one moment, one fact, one photo. "Six
                of us relaid 400 metres of track at Norbridge between one and five this
                morning so the first train could run on time" beats "proud of my
                team".</li>
                <li><b>Accurate:</b> check numbers, names and dates. If you are not sure,
                leave the detail out.</li>
                <li><b>Accessible:</b> add a short description (alt text) to images, write
                hashtags in CamelCase, such as #KestrelRail, and keep important words out of
                pictures.</li>
                <li><b>Human:</b> write the way you talk. Words like "possession" or "points
                failure" need a few words of explanation for most readers.</li></ul>"""
            ),
            heading("When to ask first"),
            text(
                """<p>Posts on your own account about everyday work rarely need approval, as
                long as they pass the newspaper test and keep other people's details out.
                Ask your manager or the hub first when a post is about a project that has
                not been announced, shows a restricted area, names a customer or a supplier,
                or touches on safety. If you help run a team account, follow its approval
                routine even when you are in a hurry. Especially when you are in a
                hurry.</p>
                <p>Timing matters too. A cheerful post about engineering works lands badly
                while your line is disrupted. Check the live service status before you
                publish, and hold a post back if the day has gone wrong.</p>"""
            ),
            quote(
                """My post about the night shift got more comments than anything the company
                account published that month. People liked seeing who actually does the
                work.""",
                "A track maintenance team leader",
            ),
            try_it(
                "Draft, check, then post (or not)",
                """<ol><li>Draft one post about something you did or saw at work this
                week.</li>
                <li>Check it against this lesson: one thing, accurate, accessible, human, and
                the newspaper test.</li>
                <li>Decide whether it needs approval. If it does, ask; if not, post it.</li>
                <li>Submit the link, or your draft if you decided not to post, with two lines
                on how you decided.</li></ol>""",
                "20 minutes",
            ),
            check(
                """You want to share a photo of your team after overnight works at a
                station. What should you do first?""",
                [
                    (
                        "Ask your colleagues if they are happy to appear, and check that nothing "
                        "confidential is in the shot",
                        RIGHT,
                    ),
                    ("Post it straight away, while it is fresh", WRONG),
                    ("Tag the whole team without asking, so they get the credit", WRONG),
                ],
                """<p>Colleagues should agree to appear and to be tagged, and the background
                must not show restricted areas, screens or notices. Then post it with
                pride.</p>""",
            ),
            check(
                "Which of these make a post easier for everyone to read? Choose all that apply.",
                [
                    ("A short description (alt text) on the image", RIGHT),
                    ("Hashtags written in CamelCase, such as #KestrelRail", RIGHT),
                    ("Putting all the information as text inside the image", WRONG),
                ],
                """<p>Alt text and CamelCase hashtags help people who use screen readers.
                Text inside an image cannot be read aloud or translated, so keep important
                information in the post itself.</p>""",
            ),
        ],
    },
]

# --- Course 3: Plan B: updating customers when things go wrong ---------------------------

PLAN_B_LESSONS = [
    {
        "slug": "what-a-bad-day-looks-like",
        "title": "What a bad day looks like online",
        "summary": "The first posts about a disruption appear within minutes, often before the "
        "control room has the full picture. How to spot the start, and who must know.",
        "minutes": 7,
        "competencies": ["listening-and-monitoring", "crisis-communication"],
        "body": [
            heading("The first fifteen minutes"),
            text(
                """<p>At 17:32 on a Friday, a train stops between two stations because of a
                fault on the overhead power line. Three hundred people are on board. By 17:35
                the first post appears: "Stuck outside Norbridge, no announcement yet." By
                17:45 there are photos of the crowded carriage, and someone has guessed that
                a person was hit by the train, which is not true. By 18:00 a local news site
                is asking for comment. Most of this happens before the control room has a
                clear picture of the fault.</p>
                <p>That is what a bad day looks like online. The problem itself is rarely
                what does the damage: trains break down, and travellers know it. The silence
                does. When people hear nothing, they fill the gap with guesses, and guesses
                travel faster than any correction we publish later.</p>"""
            ),
            heading("Signs that a bad day is starting"),
            text(
                """<ul><li>Several posts about the same train, station or line within a few
                minutes.</li>
                <li>Photos or videos from inside a stopped train.</li>
                <li>The same question, again and again: "does anyone know what's
                happening?"</li>
                <li>Local news accounts, journalists or politicians joining in.</li>
                <li>A rumour about the cause, especially about injuries.</li></ul>"""
            ),
            heading("Who needs to know"),
            text(
                """<p>When you see these signs, tell the control room and the duty
                communications contact straight away, with links, even if you think they
                already know. They may know about the fault but not about the rumour. The
                people on duty decide who posts the first update; usually that is the
                support account, with facts from the control room. Your job in those minutes
                is to listen, pass on what you see, and add no guesses of your own.</p>
                <p>Keep the numbers for the control room and the duty contact in your phone,
                not only on the intranet: on a bad day you may be standing on a platform, not
                sitting at a desk.</p>"""
            ),
            tip(
                "Rumours about injuries",
                """<p>If a post claims someone has been hurt, pass it to the control room and
                the duty communications contact at once, and do not comment on it. Only
                official channels confirm or deny anything about people's safety.</p>""",
                tone="warning",
            ),
            try_it(
                "Set up a disruption search",
                """<ol><li>Choose the line or stations your team works with.</li>
                <li>On one platform, save a search or list that combines those place names
                with words like "stuck", "delayed" and "cancelled".</li>
                <li>Check it at the start of your next three shifts.</li>
                <li>If there was a delay, note how many minutes passed before the first posts
                appeared.</li></ol>""",
                "15 minutes to set up",
            ),
            check(
                """Travellers are posting that their train has stopped, and a rumour says
                someone was hit by it. You are not on duty. What do you do?""",
                [
                    ("Reply that the rumour is false, since you heard it was a fault", WRONG),
                    (
                        "Send the links to the control room and the duty communications "
                        "contact, and do not comment yourself",
                        RIGHT,
                    ),
                    ("Share the posts so more people know about the delay", WRONG),
                ],
                """<p>Rumours about injuries are for official channels only. Your most
                valuable contribution is making sure the people on duty see what you see,
                quickly.</p>""",
            ),
        ],
    },
    {
        "slug": "holding-statements",
        "title": "Holding statements when trains are stuck",
        "summary": "You do not need every fact to say something useful. A holding statement "
        "tells people what you know, what happens next and when they will hear more.",
        "minutes": 9,
        "competencies": ["crisis-communication"],
        "body": [
            heading("Say something useful, early"),
            text(
                """<p>A holding statement is the first public update in a disruption. Its job
                is not to explain everything. Its job is to show travellers that we know,
                that someone is dealing with it, and when they will hear more. It should go
                out within fifteen minutes of the problem becoming visible, even if the cause
                is still unknown. A good one answers four questions in a few lines:</p>
                <ol><li><b>What is happening:</b> the line, the direction and the stations,
                in words travellers use.</li>
                <li><b>What we are doing:</b> engineers are on their way, buses are being
                arranged, the crew is with passengers.</li>
                <li><b>What travellers should do:</b> wait, take another route, claim a
                refund later.</li>
                <li><b>When the next update comes:</b> a specific time, and then keep that
                promise.</li></ol>"""
            ),
            heading("An example"),
            text(
                """<p>"The 17:15 from Norbridge to Eastwick Parkway has stopped near Ashcombe
                because of a fault with the overhead power line. Engineers are on their way
                and the crew is walking through the train with updates. If you are about to
                travel on this line, expect delays of at least an hour, or take the number 12
                bus, where your ticket is accepted. Next update here by 18:15."</p>"""
            ),
            heading("What to leave out"),
            text(
                """<p>Leave out guesses about the cause, the names of staff, anything about
                injuries unless officially confirmed, and promises you cannot keep, such as
                "back to normal within the hour". Avoid jargon like "OLE fault" or "crew
                displacement". And do not paste the same text everywhere without checking it
                fits: a reply in a busy thread reads differently from a pinned post.</p>
                <p>Most teams keep a few prepared templates for the usual situations (a
                failed train, a signal fault, severe weather, a strike) with blanks for times
                and places. Filling in a template in two minutes is far easier than writing
                from scratch while the phones ring. Ask the communications hub for the
                current set, and keep it where everyone on duty can reach it.</p>"""
            ),
            tip(
                "Promise a time, then keep it",
                """<p>"Next update by 18:15" only helps if an update comes by 18:15, even if
                it says "no change yet, engineers still working". Set a reminder the moment
                you post.</p>""",
            ),
            quote(
                """The first time we posted before we knew the cause, I was nervous. The
                replies were kinder than ever. Mostly people wanted to know that someone was
                on it.""",
                "A customer support team leader",
            ),
            try_it(
                "Write a holding statement in ten minutes",
                """<p>The scenario: at 07:50 on a Monday, a points failure at Kestrel Junction
                stops all trains towards the city. Nobody knows yet how long it will
                take.</p>
                <ol><li>Set a timer for ten minutes.</li>
                <li>Write a holding statement that answers the four questions, in no more
                than 60 words.</li>
                <li>Read it aloud: would a traveller on a cold platform understand it at
                once?</li>
                <li>Submit it with a note on what you left out, and why.</li></ol>""",
                "10 minutes",
            ),
            check(
                "Which of these belong in a holding statement? Choose all that apply.",
                [
                    ("What is happening, in words travellers use", RIGHT),
                    ("When the next update will come", RIGHT),
                    ("Your best guess at the cause", WRONG),
                    ("The name of the driver", WRONG),
                ],
                """<p>A holding statement says what we know, what we are doing, what
                travellers should do and when they will hear more. Guesses and the names of
                staff stay out.</p>""",
            ),
            check(
                """Your holding statement promised the next update by 18:15. At 18:10 nothing
                has changed. What do you do?""",
                [
                    ("Wait until there is news", WRONG),
                    (
                        "Post by 18:15 that nothing has changed yet, what is being done, and "
                        "when the next update will come",
                        RIGHT,
                    ),
                    ("Delete the first post so that nobody holds you to it", WRONG),
                ],
                """<p>Keeping the promised time builds trust even when the news is "no
                change". Silence after a promise is worse than no promise at all.</p>""",
            ),
        ],
    },
    {
        "slug": "replying-in-public-moving-to-private",
        "title": "Replying in public, moving to private",
        "summary": "Angry travellers deserve a quick, human answer in public, and their "
        "personal details deserve a private channel. How to do both on a busy evening.",
        "minutes": 8,
        "competencies": ["engagement-and-community"],
        "body": [
            heading("Why answer in public at all"),
            text(
                """<p>When a traveller complains in public, everyone else who is stuck is
                reading too. A quick public reply tells all of them that Kestrel Rail is
                listening. Jumping straight to "please send us a private message" without
                acknowledging anything feels like being shown the door. So the first reply
                belongs where the complaint was made, and the details move to a private
                channel afterwards.</p>"""
            ),
            heading("The pattern"),
            text(
                """<ol><li><b>Acknowledge</b> the person and their situation, in your own
                words: "Two hours on a stopped train with children is miserable. I'm
                sorry."</li>
                <li><b>Give the facts you have</b>, or point to the latest update:
                "Engineers are on site; our latest update is pinned on our profile."</li>
                <li><b>Move to private when details are needed:</b> "Send us a direct message
                with your booking reference and we'll look at a refund tonight."</li>
                <li><b>Close the loop in public</b> once it is sorted, if the person is happy
                for you to.</li></ol>"""
            ),
            heading("What never goes in a public reply"),
            text(
                """<p>Booking references, names, phone numbers, email addresses, card
                details, and anything about a person's health or disability stay out of
                public threads, ours and theirs. If travellers post their own details
                publicly, do not repeat them; suggest they delete the post and carry on in a
                direct message.</p>
                <p>On a bad evening you will see the same question fifty times. Answer each
                person, but you do not have to write fifty new sentences: adapt a prepared
                reply and add one personal touch, such as their station or their exact
                question. After the first few minutes, tone matters more than speed. A calm,
                warm answer to someone who is shouting usually calms the thread; a defensive
                one never does. If someone is abusive towards staff, say once that we will
                not respond to abuse, and then stop.</p>"""
            ),
            tip(
                "Before and after",
                """<p><b>Before:</b> "Please DM us."</p>
                <p><b>After:</b> "That's a long wait on a cold platform, sorry Sam. Engineers
                are on site and trains should restart around 19:30. Send us a DM with your
                booking reference and we'll sort out your refund."</p>""",
                tone="example",
            ),
            try_it(
                "Answer a complaint, with feedback",
                """<ol><li>Find a public complaint about a rail journey, with any operator,
                from the last week.</li>
                <li>Draft a public reply that follows the four steps, and the private message
                you would send next.</li>
                <li>If your team answers travellers, do this with a real complaint on our
                support account instead, following your team's approval routine.</li>
                <li>Submit both drafts, or the link to your real reply, with a short
                reflection.</li></ol>""",
                "20 minutes",
            ),
            check(
                """A traveller posts their booking reference and phone number in a public
                reply, asking for a refund. What do you do?""",
                [
                    (
                        "Reply publicly with the refund details, so everyone can see it was sorted",
                        WRONG,
                    ),
                    (
                        "Thank them, suggest they remove the post, and continue in a direct "
                        "message without repeating their details",
                        RIGHT,
                    ),
                    ("Ignore it until they message you privately", WRONG),
                ],
                """<p>Personal details never belong in a public thread, even when the
                traveller posted them. Acknowledge them in public, protect their data and
                sort out the refund in private.</p>""",
            ),
        ],
    },
    {
        "slug": "who-has-the-keys-on-a-sunday",
        "title": "Who has the keys on a Sunday?",
        "summary": "The best holding statement is useless if nobody on duty can log in. Check "
        "who can reach your team's accounts, and what happens when they are away.",
        "minutes": 7,
        "competencies": ["strategy-and-governance", "crisis-communication"],
        "body": [
            heading("The Sunday test"),
            text(
                """<p>It is 07:00 on a Sunday in August. A landslip has closed the coast line.
                The person who usually runs your team's account is on holiday without
                signal, and the only other way in is a phone in a drawer at the office.
                Travellers are asking questions, and nobody in your team can answer them.
                This happens more often than anyone likes to admit, and it is entirely
                preventable.</p>
                <p>Being ready for a bad day is not only about skills. It is skills
                <b>and</b> access, on the days and at the hours when problems actually
                happen: early mornings, late evenings, weekends and holidays.</p>"""
            ),
            heading("What good looks like"),
            text(
                """<ul><li><b>At least two trained people per account</b>, on different
                rotas, who can post an update without help.</li>
                <li><b>Passwords in the company password manager</b>, shared with the named
                people: never in a notebook, a spreadsheet or a chat message.</li>
                <li><b>A second factor that does not depend on one phone:</b> register a
                second device, or keep backup codes in the password manager, as the hub
                advises.</li>
                <li><b>A current list</b> of who can reach which account, reviewed whenever
                people join, move or leave.</li>
                <li><b>A practice login once a month</b>, so that you find the expired
                password before the storm does.</li></ul>"""
            ),
            heading("Spoke shows you the gaps"),
            text(
                """<p>Spoke's crisis readiness report shows, for each business unit, how many
                people have the crisis competencies at a practising level or above. A unit
                where nobody is ready stands out at once. Spoke cannot check your passwords,
                though: that part is a conversation between you, your manager and the
                communications hub. Have it before you need it. If your unit shows a gap,
                this course and a practice login are the quickest way to close it.</p>"""
            ),
            quote(
                """We found out during a snowstorm that the only login for the station shops
                account belonged to someone who had left in the spring. Now we check access
                every month.""",
                "A retail operations manager",
            ),
            tip(
                "When someone leaves",
                """<p>When a person with access leaves the team, change the password and
                remove their second factor the same week. A former colleague should never be
                able to post as Kestrel Rail.</p>""",
                tone="warning",
            ),
            try_it(
                "Run the Sunday test for your team",
                """<ol><li>List every social media account your team posts from.</li>
                <li>For each one, write down who could log in on a Sunday morning, and how:
                password manager, second device or backup codes.</li>
                <li>Ask one of them to do a practice login and confirm that it worked.</li>
                <li>Report any account with fewer than two people to your manager and the
                communications hub.</li></ol>""",
                "30 minutes",
            ),
            check(
                """Only one person in your team can log in to its account, and the second
                factor is on their phone. What is the most important fix?""",
                [
                    (
                        "Write the password on a note in the office so that others can find it",
                        WRONG,
                    ),
                    (
                        "Give a second trained person access through the password manager and "
                        "set up a backup second factor",
                        RIGHT,
                    ),
                    ("Ask that person to keep their phone on during holidays", WRONG),
                ],
                """<p>Access should never depend on one person or one phone. A second trained
                person, the password manager and backup codes let the account work on any
                day, without weakening security.</p>""",
            ),
        ],
    },
    {
        "slug": "after-the-storm",
        "title": "After the storm: closing and learning",
        "summary": "A disruption is not over when the trains move again. How to close it well "
        "online, and how to turn what happened into a better Plan B.",
        "minutes": 7,
        "competencies": ["crisis-communication", "measurement-and-kpis"],
        "body": [
            heading("Close it properly"),
            text(
                """<p>When trains are running again, the temptation is to breathe out and
                move on. Travellers are still waiting for one last message, though. Post a
                clear all-clear wherever you posted updates: what is back to normal, what is
                still affected, and how to claim a refund or compensation. Answer the open
                questions in the thread rather than leaving them hanging. After a long
                disruption a short thank you for people's patience fits; a cheerful tone does
                not.</p>
                <p>Then unpin the old holding statement, check that no outdated update is
                still on show, and tell colleagues in other teams that the incident is
                closed, so that they stop sending people to a problem that no longer
                exists.</p>"""
            ),
            heading("The review: an hour that pays for itself"),
            text(
                """<p>Within a week, bring together the people who were involved for a short
                review: the control room, support, the hub and whoever posted the updates.
                Keep it blameless. The question is not who got it wrong, but what made it
                hard to get it right:</p>
                <ul><li>How long was it from the first posts to our first holding
                statement?</li>
                <li>Did updates come at the times we promised?</li>
                <li>Which questions came up again and again, and could an update have
                answered them?</li>
                <li>Did anyone lack access, information or confidence when they needed
                it?</li></ul>"""
            ),
            heading("Turn answers into changes"),
            text(
                """<p>End each review with two or three concrete changes, each with a name and
                a date next to it: a new template for replacement buses, a second person
                trained in the control room, a clearer handover at shift change. Share them
                with the hub so that other teams can learn from them too. Over a year, those
                small changes are what make a team ready: not a thick crisis manual, but
                people who have done it before and know what they would do
                differently.</p>"""
            ),
            tip(
                "Write down the times",
                """<p>During an incident, keep a simple log: when the problem started, when
                the first posts appeared, when each update went out. Without times, the
                review turns into a debate about memories.</p>""",
            ),
            quote(
                """Our reviews used to be about who forgot to post. Now they are about why it
                was hard to post, and the fixes actually stick.""",
                "A duty communications manager",
            ),
            try_it(
                "Review a recent disruption",
                """<ol><li>Choose a recent disruption, on our network or another operator's,
                that people discussed online.</li>
                <li>Find the first public post about it and the operator's first update. How
                many minutes apart were they?</li>
                <li>List the three questions travellers asked most often.</li>
                <li>Suggest one change that would have helped, and submit it with the
                links.</li></ol>""",
                "25 minutes",
            ),
            check(
                "Which question belongs in a blameless review after a disruption?",
                [
                    ("Who was responsible for the late update?", WRONG),
                    ("What made it hard to post the first update sooner?", RIGHT),
                    ("Which traveller complained the most?", WRONG),
                ],
                """<p>A blameless review looks for what makes good work hard: missing access,
                missing information, unclear handovers. People speak more openly when they
                are not defending themselves, and the fixes are better for it.</p>""",
            ),
            check(
                "The trains are running again. What should happen online? Choose all that apply.",
                [
                    (
                        "A clear all-clear with refund information, wherever updates were posted",
                        RIGHT,
                    ),
                    ("Unpinning or updating the old holding statement", RIGHT),
                    ("Nothing more: the problem is solved", WRONG),
                ],
                """<p>Close the incident where people followed it, take down outdated
                information and answer the open questions. The last message is part of the
                service too.</p>""",
            ),
        ],
    },
]

COURSES = [
    {
        "slug": "social-media-literacy-for-managers",
        "title": "Social media literacy for managers",
        "summary": "Five short lessons for the people who decide about social media at "
        "Kestrel Rail but rarely use it themselves. Learn how it works by doing it: listen, "
        "see how the hub and your team share the work, measure what matters and back the "
        "colleagues who want to take part.",
        "audience": Audience.MANAGERS,
        "outcomes": [
            "Explain in plain words why travellers turn to social media and what they expect",
            "Listen to what is said about your stations and services before deciding anything",
            "Describe who does what between the communications hub and your team",
            "Choose three or four numbers that show progress better than likes",
            "Spot and support the first colleagues in your team who want to take part",
        ],
        "competencies": [
            "listening-and-monitoring",
            "policy-and-compliance",
            "measurement-and-kpis",
            "strategy-and-governance",
            "advocacy-and-coaching",
        ],
        "lessons": MANAGERS_LESSONS,
    },
    {
        "slug": "speaking-for-yourself-online",
        "title": "Speaking for yourself online",
        "summary": "For everyone at Kestrel Rail who is on social media in their own name. "
        "Five short lessons on your profile, the policy in plain words, privacy, replying "
        "when people talk about us, and posting about your work with pride and care.",
        "audience": Audience.EMPLOYEES,
        "outcomes": [
            "Keep a profile that shows clearly who you are and how you relate to Kestrel Rail",
            "Apply the newspaper test and the social media policy before you post",
            "Keep customers' and colleagues' details, and your own whereabouts, offline",
            "Respond to a complaint you come across without making it worse",
            "Share something about your work that is accurate, accessible and yours",
        ],
        "competencies": [
            "profile-and-personal-brand",
            "publishing",
            "engagement-and-community",
            "policy-and-compliance",
            "privacy-and-safety",
        ],
        "lessons": EMPLOYEES_LESSONS,
    },
    {
        "slug": "plan-b-updating-customers",
        "title": "Plan B: updating customers when things go wrong",
        "summary": "When trains stand still, travellers reach for their phones. Five lessons "
        "for operations, the control room, customer support and anyone who may have to post "
        "an update on a bad day: spotting it, holding statements, public replies, access "
        "and the follow-up.",
        "audience": Audience.EVERYONE,
        "outcomes": [
            "Recognise the first signs of a disruption online and know whom to tell",
            "Write a holding statement within fifteen minutes, before all the facts are known",
            "Answer angry travellers in public and move personal matters to a private channel",
            "Make sure your team can reach its accounts on a Sunday, not only on weekdays",
            "Close an incident well and turn what happened into improvements",
        ],
        "competencies": [
            "listening-and-monitoring",
            "engagement-and-community",
            "crisis-communication",
            "measurement-and-kpis",
            "strategy-and-governance",
        ],
        "lessons": PLAN_B_LESSONS,
    },
]

# --- Seeding ----------------------------------------------------------------------------


def _strip_ids(data):
    if isinstance(data, list):
        return [_strip_ids(item) for item in data]
    if isinstance(data, dict):
        return {key: _strip_ids(value) for key, value in data.items() if key != "id"}
    return data


def _canonical_body(value) -> list:
    """A lesson body as plain data without block ids, whether it comes from the database or
    from the constants above (nested lists of answers are stored with ids of their own)."""
    stream_block = LessonPage._meta.get_field("body").stream_block
    data = value.get_prep_value() if hasattr(value, "get_prep_value") else value
    normalised = stream_block.get_prep_value(stream_block.to_python(copy.deepcopy(data)))
    return _strip_ids(normalised)


def _differs(page, name: str, wanted) -> bool:
    if name == "body":
        return _canonical_body(page.body) != _canonical_body(wanted)
    return getattr(page, name) != wanted


def _sync_page(parent, model, slug: str, values: dict, competencies: list | None = None):
    """Create the page under ``parent``, or publish a new revision only when something
    differs (fields, block content without ids, competencies). Returns the page and whether
    anything was written."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    wanted_ids = None if competencies is None else {competency.pk for competency in competencies}
    if page is None:
        # Wagtail adds block ids to the lists it is given: hand it copies of the constants.
        page = model(slug=slug, **copy.deepcopy(values))
        parent.add_child(instance=page)
    else:
        changed = [name for name, value in values.items() if _differs(page, name, value)]
        current_ids = None if competencies is None else {c.pk for c in page.competencies.all()}
        if not changed and current_ids == wanted_ids and page.live:
            return page, False
        for name in changed:
            setattr(page, name, copy.deepcopy(values[name]))
    if competencies is not None:
        # A ParentalManyToManyField: the revision carries it, publishing writes it.
        page.competencies.set(competencies)
    page.save_revision().publish()
    return page, True


@transaction.atomic
def demo_courses_seed() -> dict[str, int]:
    """Publish the course catalogue with three courses and their lessons."""
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run 'manage.py migrate' first.")
    by_slug = Competency.objects.in_bulk(field_name="slug")
    needed = set()
    for course in COURSES:
        needed.update(course["competencies"])
        for lesson in course["lessons"]:
            needed.update(lesson["competencies"])
    if missing := sorted(needed - set(by_slug)):
        raise RuntimeError(
            f"Competencies missing: {', '.join(missing)}. Seed the competency framework first."
        )

    index, changed = _sync_page(
        home, CourseIndexPage, "courses", {"title": "Courses", "intro": INDEX_INTRO}
    )
    written = int(changed)
    for course in COURSES:
        course_page, changed = _sync_page(
            index,
            CoursePage,
            course["slug"],
            {
                "title": course["title"],
                "summary": course["summary"],
                "audience": course["audience"],
                "outcomes": "\n".join(course["outcomes"]),
            },
            [by_slug[slug] for slug in course["competencies"]],
        )
        written += changed
        for lesson in course["lessons"]:
            _, changed = _sync_page(
                course_page,
                LessonPage,
                lesson["slug"],
                {
                    "title": lesson["title"],
                    "summary": lesson["summary"],
                    "minutes": lesson["minutes"],
                    "body": lesson["body"],
                },
                [by_slug[slug] for slug in lesson["competencies"]],
            )
            written += changed
    return {"pages": written}
