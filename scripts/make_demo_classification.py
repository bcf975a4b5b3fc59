"""Write src/knutpunkt/classification/data/demo-structure.json: Knutpunkt's own demo
classification structure for a Swedish municipality ("Exempelby kommun").

It has KLASSA's shape (verksamhetstyp → verksamhetsområde → processgrupp → process →
handlingstyp) but is our own text; SKR's KLASSA material is not copied (see
shared/data/README.md). The retention rules are plausible examples for a demo, not
advice: every municipality decides its own in its gallringsbeslut.

    python scripts/make_demo_classification.py

Each handlingstyp is written "Benämning:R:REGEL" where R is D (diarieförs) or H (hålls
ordnad) and REGEL a retention rule code below; an optional fourth part is a description.

Case and document types that typically hold secret information carry a default marking
(CASE_TYPE_MARKINGS, PROCESS_MARKINGS, DOCUMENT_MARKINGS below): SN's individärenden
(OSL 26 kap. 1 §, and 26 kap. 5 § for the anmälare), health data (21 kap. 1 §, 25 kap.
1 §, 23 kap. 2 § in elevhälsan), anbud (19 kap. 3 §), personnel health (39 kap.). It is
only proposed when a case or document of the type is registered; the registrator
confirms it. Examples for a demo, not legal advice.
"""

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/knutpunkt/classification/data/demo-structure.json"
PLAN = "Exempelby kommuns informationshanteringsplan (KS 2025/101)"

RULES = [
    ("B", "keep", None, "", PLAN, "Bevaras för all framtid och levereras till arkivmyndigheten."),
    ("G1", "dispose", 12, "case_closed", PLAN, ""),
    ("G2", "dispose", 24, "case_closed", PLAN, ""),
    ("G5", "dispose", 60, "case_closed", PLAN, ""),
    ("G10", "dispose", 120, "case_closed", PLAN, ""),
    ("G1-REG", "dispose", 12, "registered", PLAN, "Handlingar av tillfällig betydelse som räknas från när de kom in eller upprättades."),
    ("G7-REG", "dispose", 84, "registered", "Lag (2018:597) om kommunal bokföring och redovisning",
     "Räkenskapsinformation. Fristen räknas från utgången av det kalenderår då räkenskapsåret avslutades."),
    ("G5-ANT", "dispose", 60, "last_entry", "Socialtjänstlagen",
     "Personakter inom socialtjänsten. Akter om personer födda den 5, 15 eller 25 i månaden bevaras för forskningens behov; "
     "handlingar om placering av barn utanför hemmet gallras inte."),
    ("G10-ANT", "dispose", 120, "last_entry", "Patientdatalagen (2008:355)",
     "Patientjournaler i den kommunala hälso- och sjukvården. Urvalet för forskning bevaras som för socialtjänstens akter."),
    ("G-INAKT", "dispose", None, "inactual", PLAN, "Gallras när handlingen inte längre behövs i verksamheten."),
]


def T(code, title, days=None, description=""):
    return {"code": code, "title": title, "handling_days": days, "description": description}


# --- default markings ------------------------------------------------------------------------

SOL = "26 kap. 1 §"          # socialtjänst, including LSS
ANMALARE = "26 kap. 5 §"     # who made an orosanmälan
SOL_RAKT = "26 kap. 4 §"     # färdtjänst, bostadsanpassning (rakt skaderekvisit)
HALSA = "21 kap. 1 §"        # health data in any activity
SKYDDAD = "21 kap. 3 §"      # address of someone who may be harmed
VARD = "25 kap. 1 §"         # hälso- och sjukvård, elevhälsans medicinska insats
ELEVHALSA = "23 kap. 2 §"    # psykologisk och psykosocial elevhälsa
ANBUD = "19 kap. 3 §"        # upphandling
PERSONALHALSA = "39 kap. 2 §"
PERSONALSOCIAL = "39 kap. 1 §"

WHOLE = ["title", "parties", "files"]


def M(provisions, parts, public_title="", level=""):
    return {"provisions": list(provisions), "parts": list(parts), "public_title": public_title, "personal_data_level": level}


# Individärenden: the case's title and parties already say something about a person.
CASE_TYPE_MARKINGS = {
    "EKB": M([SOL], ["title", "parties"], "Ekonomiskt bistånd", "skyddad"),
    "ATERKRAV": M([SOL], ["title", "parties"], "Återkrav av ekonomiskt bistånd", "skyddad"),
    "OROSANM": M([SOL, ANMALARE], ["title", "parties"], "Anmälan om oro för barn", "skyddad"),
    "BARNUTR": M([SOL], ["title", "parties"], "Utredning om barn", "skyddad"),
    "PLACBU": M([SOL], ["title", "parties"], "Placering av barn eller unga", "skyddad"),
    "FORALDRASKAP": M([SOL], ["title", "parties"], "Fastställande av föräldraskap", "skyddad"),
    "VARDNAD": M([SOL], ["title", "parties"], "Vårdnad, boende och umgänge", "skyddad"),
    "VUXMISSBR": M([SOL], ["title", "parties"], "Insats för vuxen", "skyddad"),
    "LVM": M([SOL], ["title", "parties"], "Utredning enligt LVM", "skyddad"),
    "VALD": M([SOL, SKYDDAD], ["title", "parties"], "Stöd till enskild", "skyddad"),
    "LSS": M([SOL], ["title", "parties"], "Insats enligt LSS", "skyddad"),
    "AOBISTAND": M([SOL], ["title", "parties"], "Bistånd inom äldreomsorgen", "skyddad"),
    "BAB": M([SOL_RAKT], ["parties"], "", "skyddad_externt"),
    "FARDTJANST": M([SOL_RAKT], ["parties"], "", "skyddad_externt"),
    "REHAB": M([PERSONALSOCIAL, PERSONALHALSA], ["title", "parties"], "Rehabiliteringsärende", "skyddad"),
}

# Every handlingstyp of these processes: (provisions, parts, level); a secret title is
# replaced by the handlingstyp's own name.
PROCESS_MARKINGS = {
    "Utreda och besluta om ekonomiskt bistånd": ([SOL], WHOLE, "skyddad"),
    "Återkräva ekonomiskt bistånd": ([SOL], ["parties", "files"], "skyddad"),
    "Utreda barn som kan behöva skydd eller stöd": ([SOL], WHOLE, "skyddad"),
    "Placera barn och unga utanför hemmet": ([SOL], WHOLE, "skyddad"),
    "Handlägga familjerättsliga frågor": ([SOL], WHOLE, "skyddad"),
    "Ge stöd till vuxna med missbruk": ([SOL], WHOLE, "skyddad"),
    "Ge stöd till våldsutsatta": ([SOL, SKYDDAD], WHOLE, "skyddad"),
    "Utreda och besluta om insatser enligt LSS": ([SOL], WHOLE, "skyddad"),
    "Utreda och besluta om bistånd till äldre": ([SOL], WHOLE, "skyddad"),
    "Bedriva elevhälsa": ([VARD], WHOLE, "skyddad"),
}

# Single handlingstyper, (process, handlingstyp) → (provisions, parts, level); these win
# over PROCESS_MARKINGS.
DOCUMENT_MARKINGS = {
    ("Utreda barn som kan behöva skydd eller stöd", "Orosanmälan"): ([SOL, ANMALARE], WHOLE, "skyddad"),
    ("Utreda och besluta om insatser enligt LSS", "Läkarintyg och utlåtanden"): ([SOL, HALSA], WHOLE, "skyddad"),
    ("Utreda och besluta om ekonomiskt bistånd", "Utbetalningsunderlag"): ([SOL], ["parties", "files"], "skyddad"),
    ("Bedriva elevhälsa", "Psykologjournal"): ([ELEVHALSA], WHOLE, "skyddad"),
    ("Bedriva elevhälsa", "Kuratorsjournal"): ([ELEVHALSA], WHOLE, "skyddad"),
    ("Bedriva kommunal hälso- och sjukvård", "Patientjournal"): ([VARD], WHOLE, "skyddad"),
    ("Bedriva kommunal hälso- och sjukvård", "Signeringslista för läkemedel"): ([VARD], ["parties", "files"], "skyddad"),
    ("Bedriva kommunal hälso- och sjukvård", "Samordnad individuell plan"): ([VARD, SOL], WHOLE, "skyddad"),
    ("Bedriva kommunal hälso- och sjukvård", "Avvikelserapport"): ([VARD], ["parties", "files"], "skyddad_externt"),
    ("Handlägga bostadsanpassningsbidrag", "Intyg från arbetsterapeut"): ([HALSA], ["files"], "skyddad_externt"),
    ("Handlägga bostadsanpassningsbidrag", "Läkarintyg"): ([HALSA], ["files"], "skyddad_externt"),
    ("Pröva färdtjänst", "Läkarintyg för färdtjänst"): ([HALSA], ["files"], "skyddad_externt"),
    ("Pröva parkeringstillstånd för rörelsehindrade", "Läkarintyg för parkeringstillstånd"): ([HALSA], ["files"], "skyddad_externt"),
    ("Pröva skolskjuts", "Intyg som underlag för skolskjuts"): ([HALSA], ["files"], "skyddad_externt"),
    ("Upphandla varor och tjänster", "Anbud som antagits"): ([ANBUD], ["files"], ""),
    ("Upphandla varor och tjänster", "Anbud som inte antagits"): ([ANBUD], ["files"], ""),
    ("Upphandla varor och tjänster", "Anbudsöppningsprotokoll"): ([ANBUD], ["files"], ""),
    ("Arbetsmiljö och rehabilitering", "Rehabiliteringsplan"): ([PERSONALSOCIAL, PERSONALHALSA], WHOLE, "skyddad"),
    ("Arbetsmiljö och rehabilitering", "Anmälan om arbetsskada"): ([PERSONALHALSA], ["parties", "files"], "skyddad_externt"),
}


def document_marking(process_title: str, title: str) -> dict | None:
    spec = DOCUMENT_MARKINGS.get((process_title, title)) or PROCESS_MARKINGS.get(process_title)
    if spec is None:
        return None
    provisions, parts, level = spec
    return M(provisions, parts, title if "title" in parts else "", level)


# (verksamhetstyp) → (verksamhetsområde, description) → (processgrupp) → (process, description, case types, handlingstyper)
STRUCTURE = [
    ("Styrning och stöd", "Verksamhet som leder kommunen och stöder alla förvaltningar.", [
        ("Ledning och styrning", "Politisk ledning, planering, uppföljning och samverkan.", [
            ("Politisk styrning och demokrati", [
                ("Handlägga motioner och medborgarförslag", "Förslag från ledamöter och invånare till fullmäktige.",
                 [T("MOTION", "Motion", 365, "Ska beredas så att fullmäktige kan besluta inom ett år."),
                  T("MEDBF", "Medborgarförslag", 365)],
                 "Motion:D:B; Medborgarförslag:D:B; Remiss till nämnd:D:B; Yttrande från nämnd:D:B; Tjänsteskrivelse:D:B; "
                 "Beslut i fullmäktige:D:B"),
                ("Genomföra sammanträden", "Kallelser, protokoll och anslag för fullmäktige, styrelse och nämnder.",
                 [],
                 "Kallelse med föredragningslista:H:G-INAKT; Protokoll med bilagor:H:B; Protokollsutdrag:D:G-INAKT:Originalet finns i protokollet; "
                 "Bevis om anslag av justerat protokoll:H:G2; Ljud- och bildupptagning från sammanträde:H:G1-REG; "
                 "Anmälan av delegationsbeslut:D:B"),
                ("Hantera val och förtroendeuppdrag", "",
                 [T("VAL", "Val av förtroendevald"), T("ENTLED", "Begäran om entledigande")],
                 "Avsägelse av uppdrag:D:B; Beslut om val:D:B; Förteckning över förtroendevalda:H:B; "
                 "Underlag för arvode och ersättning:H:G7-REG; Jävsanmälan:D:B"),
                ("Ta emot synpunkter och klagomål", "Synpunkter på kommunens service från invånare och företag.",
                 [T("SYNP", "Synpunkt eller klagomål", 14)],
                 "Synpunkt eller klagomål:D:G2; Svar på synpunkt:D:G2; Årlig sammanställning av synpunkter:H:B"),
            ]),
            ("Planering och uppföljning", [
                ("Ta fram budget och verksamhetsplan", "",
                 [T("BUDGET", "Mål och budget")],
                 "Mål och budget:D:B; Budgetunderlag från nämnd:D:B; Verksamhetsplan:D:B; Arbetsmaterial till budget:H:G-INAKT"),
                ("Följa upp och redovisa verksamheten", "",
                 [T("ARSRED", "Årsredovisning"), T("INTKONTR", "Intern kontroll")],
                 "Årsredovisning:D:B; Delårsrapport:D:B; Verksamhetsberättelse:D:B; Internkontrollplan:D:B; "
                 "Uppföljning av intern kontroll:D:B; Revisionsrapport:D:B; Revisionsberättelse:D:B"),
                ("Ta fram och revidera styrdokument", "Policyer, riktlinjer, reglementen och taxor.",
                 [T("STYRDOK", "Styrdokument")],
                 "Policy:D:B; Riktlinje:D:B; Reglemente:D:B; Taxa:D:B; Remissvar på förslag till styrdokument:D:B; "
                 "Arbetsmaterial till styrdokument:H:G-INAKT"),
            ]),
            ("Extern samverkan", [
                ("Besvara remisser från andra myndigheter", "",
                 [T("EXTREM", "Remiss från annan myndighet", 42)],
                 "Inkommen remiss:D:B; Yttrande:D:B; Tjänsteskrivelse om yttrande:D:B"),
                ("Samverka med andra organisationer", "Kommunalförbund, regionen, grannkommuner och idéburen sektor.",
                 [T("SAMVERKAN", "Samverkansavtal")],
                 "Samverkansavtal:D:B; Avsiktsförklaring:D:B; Minnesanteckningar från samverkansmöte:H:G-INAKT"),
            ]),
        ]),
        ("Stöd och service", "Information, ekonomi, personal, upphandling, IT, kommunikation och säkerhet.", [
            ("Informationsförvaltning", [
                ("Hantera begäran om allmän handling", "Prövning och utlämnande enligt tryckfrihetsförordningen och OSL.",
                 [T("ALLMHANDL", "Begäran om allmän handling", 1, "Ska behandlas skyndsamt, normalt samma eller nästa dag.")],
                 "Begäran om utlämnande av allmän handling:D:G2; Beslut om avslag:D:B; Tjänsteanteckning om sekretessprövning:D:G2; "
                 "Följebrev vid utlämnande:H:G-INAKT; Överklagande av avslagsbeslut:D:B"),
                ("Styra informationshantering och arkiv", "",
                 [T("IHP", "Informationshanteringsplan"), T("GALLRBESL", "Gallringsbeslut")],
                 "Informationshanteringsplan:D:B; Gallringsbeslut:D:B; Arkivbeskrivning:D:B; Leveransreversal:D:B; "
                 "Gallringsprotokoll:H:B; Arkivförteckning:H:B"),
                ("Hantera personuppgifter och dataskydd", "",
                 [T("PUINC", "Personuppgiftsincident", 3), T("REGUTDR", "Begäran om registerutdrag", 30)],
                 "Anmälan om personuppgiftsincident:D:B; Begäran om registerutdrag:D:G2; Registerutdrag:D:G2; "
                 "Personuppgiftsbiträdesavtal:D:G10; Konsekvensbedömning avseende dataskydd:D:B; Förteckning över behandlingar:H:B"),
            ]),
            ("Ekonomi", [
                ("Hantera leverantörsfakturor och betalningar", "", [],
                 "Leverantörsfaktura:H:G7-REG; Attestlista:H:G7-REG; Betalningsunderlag:H:G7-REG; Påminnelse och kravbrev:H:G-INAKT"),
                ("Fakturera och driva in fordringar", "",
                 [T("FORDRAN", "Avskrivning av fordran")],
                 "Kundfaktura:H:G7-REG; Beslut om avskrivning av fordran:D:G10; Underlag för inkasso:H:G10"),
                ("Bokföra och göra bokslut", "", [],
                 "Huvudbok:H:B; Bokslutsdokumentation:H:B; Verifikation:H:G7-REG; Anläggningsregister:H:B"),
            ]),
            ("Personal", [
                ("Rekrytera personal", "",
                 [T("REKR", "Rekrytering")],
                 "Platsannons:D:B; Ansökan från den som anställs:H:B; Ansökan från sökande som inte anställs:H:G2; "
                 "Anteckningar från intervju:H:G-INAKT; Anställningsavtal:H:B"),
                ("Hantera anställning och lön", "", [],
                 "Personalakt:H:B; Lönelista:H:B; Tidrapport:H:G2; Ansökan om ledighet:H:G2; Tjänstgöringsintyg:H:B; "
                 "Uppsägning:D:B"),
                ("Arbetsmiljö och rehabilitering", "",
                 [T("ARBSKADA", "Arbetsskada eller tillbud"), T("REHAB", "Rehabilitering")],
                 "Rapport om tillbud:D:G10; Anmälan om arbetsskada:D:B; Rehabiliteringsplan:H:G10; Skyddsrondsprotokoll:H:G10; "
                 "Riskbedömning:D:G5"),
                ("Förhandla med arbetstagarorganisationer", "",
                 [T("MBL", "Förhandling enligt medbestämmandelagen")],
                 "Förhandlingsprotokoll:D:B; Lokalt kollektivavtal:D:B; Protokoll från samverkansgrupp:H:B"),
            ]),
            ("Upphandling och avtal", [
                ("Upphandla varor och tjänster", "",
                 [T("UPPH", "Upphandling", 120), T("DIREKTUPPH", "Direktupphandling", 30)],
                 "Upphandlingsdokument:D:B; Annons om upphandling:D:B; Anbud som antagits:D:B; "
                 "Anbud som inte antagits:D:G2:Räknas från att avtalet upphört; Anbudsöppningsprotokoll:D:B; "
                 "Tilldelningsbeslut:D:B; Avtal:D:B; Ansökan om överprövning:D:B; Dokumentation av direktupphandling:D:G5"),
                ("Följa upp avtal", "", [],
                 "Avtalsuppföljning:D:G5; Reklamation till leverantör:D:G2; Avtalsförteckning:H:B"),
            ]),
            ("IT och kommunikation", [
                ("Förvalta informationssystem", "", [],
                 "Systemdokumentation:H:B; Beställning av behörighet:H:G2; Behandlingslogg:H:G1-REG; Rapport om IT-incident:D:G2"),
                ("Informera och kommunicera", "",
                 [],
                 "Pressmeddelande:H:B; Arkiverad kopia av webbplatsen:H:B; Inlägg på sociala medier:H:G-INAKT; Kommunikationsplan:D:B"),
            ]),
            ("Säkerhet och beredskap", [
                ("Planera för kriser och höjd beredskap", "",
                 [T("RSA", "Risk- och sårbarhetsanalys")],
                 "Risk- och sårbarhetsanalys:D:B; Plan för krisledning:D:B; Lägesbild under kris:D:B; Utvärdering av övning:D:B"),
            ]),
        ]),
    ]),
    ("Kärnverksamhet", "Verksamhet för invånare, företag och besökare.", [
        ("Samhällsbyggnad", "Fysisk planering, bygglov och markfrågor.", [
            ("Fysisk planering", [
                ("Ta fram översiktsplan", "",
                 [T("OP", "Översiktsplan")],
                 "Översiktsplan:D:B; Samrådsredogörelse:D:B; Granskningsutlåtande:D:B; Yttrande i samråd:D:B"),
                ("Ta fram detaljplan", "Från planbesked till antagen detaljplan.",
                 [T("PLANBESKED", "Planbesked", 120, "Beslut inom fyra månader enligt plan- och bygglagen."),
                  T("DETALJPLAN", "Detaljplan")],
                 "Begäran om planbesked:D:B; Planbesked:D:B; Planavtal:D:B; Plankarta med bestämmelser:D:B; "
                 "Planbeskrivning:D:B; Yttrande i samråd eller granskning:D:B; Granskningsutlåtande:D:B; "
                 "Beslut om antagande:D:B; Fastighetsförteckning:D:B"),
                ("Fastställa adresser", "",
                 [T("ADRESS", "Adressättning")],
                 "Begäran om adress:D:G2; Beslut om adress:D:B; Adresskarta:H:B"),
            ]),
            ("Bygglov och tillsyn enligt PBL", [
                ("Pröva lov och förhandsbesked", "Bygglov, rivningslov, marklov och förhandsbesked.",
                 [T("BYGGLOV", "Bygglov", 70, "Tio veckor från komplett ansökan enligt plan- och bygglagen."),
                  T("RIVLOV", "Rivningslov", 70), T("MARKLOV", "Marklov", 70), T("FORHANDSB", "Förhandsbesked", 70)],
                 "Ansökan om lov:D:B; Ritningar:D:B; Situationsplan:D:B; Begäran om komplettering:D:B; "
                 "Bekräftelse på komplett ansökan:D:G-INAKT; Yttrande från granne eller sakägare:D:B; Beslut om lov:D:B; "
                 "Kungörelse:D:B"),
                ("Handlägga anmälan och byggprocessens skeden", "",
                 [T("ANMALAN", "Anmälan om åtgärd")],
                 "Anmälan:D:B; Kontrollplan:D:B; Protokoll från tekniskt samråd:D:B; Startbesked:D:B; "
                 "Intyg från kontrollansvarig:D:B; Utlåtande från sakkunnig:D:B; Slutbesked:D:B"),
                ("Utöva tillsyn enligt plan- och bygglagen", "",
                 [T("PBLTILLSYN", "Tillsyn enligt plan- och bygglagen"), T("OVK", "Obligatorisk ventilationskontroll")],
                 "Anmälan om misstänkt överträdelse:D:B; Tjänsteanteckning från platsbesök:D:B; Föreläggande:D:B; "
                 "Beslut om byggsanktionsavgift:D:B; Protokoll från ventilationskontroll:H:G-INAKT"),
            ]),
            ("Mark och exploatering", [
                ("Köpa, sälja och upplåta mark", "",
                 [T("MARKAFFAR", "Köp eller försäljning av fastighet"), T("ARRENDE", "Arrende eller nyttjanderätt")],
                 "Köpeavtal:D:B; Värderingsutlåtande:D:B; Arrendeavtal:D:B; Markanvisningsavtal:D:B; Exploateringsavtal:D:B"),
            ]),
        ]),
        ("Miljö och hälsoskydd", "Tillsyn och prövning enligt miljöbalken, livsmedels-, alkohol- och tobakslagstiftningen.", [
            ("Tillsyn och prövning enligt miljöbalken", [
                ("Utöva tillsyn över miljöfarlig verksamhet", "",
                 [T("MBTILLSYN", "Tillsyn enligt miljöbalken"), T("MBANMALAN", "Anmälan om miljöfarlig verksamhet", 42)],
                 "Anmälan om miljöfarlig verksamhet:D:B; Inspektionsrapport:D:B; Föreläggande eller förbud:D:B; "
                 "Miljörapport:D:B; Kontrollprogram:D:B; Beslut om miljösanktionsavgift:D:B; Beslut om tillsynsavgift:D:G10"),
                ("Pröva avloppsanläggningar och värmepumpar", "",
                 [T("AVLOPP", "Enskild avloppsanläggning", 56), T("VARMEPUMP", "Anmälan om värmepump", 28)],
                 "Ansökan om tillstånd till avloppsanordning:D:B; Situationsplan för avlopp:D:B; Protokoll från provgrop:D:B; "
                 "Beslut om avloppsanordning:D:B; Anmälan om värmepump:D:B; Egenkontroll efter anläggning:D:B"),
                ("Utreda klagomål på störningar", "Buller, lukt, fukt, ohyra och andra olägenheter.",
                 [T("KLAGOMAL", "Klagomål på olägenhet")],
                 "Klagomål:D:B; Tips som inte leder till åtgärd:D:G2; Mätprotokoll:D:B; Kommunicering:D:B; Beslut:D:B"),
                ("Pröva strandskyddsdispens", "",
                 [T("STRANDSKYDD", "Strandskyddsdispens", 56)],
                 "Ansökan om strandskyddsdispens:D:B; Karta och situationsplan:D:B; Anteckningar från platsbesök:D:B; "
                 "Beslut om strandskyddsdispens:D:B; Länsstyrelsens överprövning:D:B"),
            ]),
            ("Livsmedel, alkohol, tobak och hälsoskydd", [
                ("Registrera och kontrollera livsmedelsanläggningar", "",
                 [T("LIVSREG", "Registrering av livsmedelsanläggning", 14), T("LIVSKONTR", "Offentlig kontroll av livsmedel")],
                 "Anmälan om registrering:D:B; Beslut om registrering:D:B; Beslut om riskklassning och årlig avgift:D:G10; "
                 "Kontrollrapport:D:B; Provtagningsprotokoll:D:G5; Föreläggande:D:B"),
                ("Pröva serveringstillstånd och tobakstillstånd", "",
                 [T("SERVTILLST", "Serveringstillstånd"), T("TILLFSERV", "Tillfälligt serveringstillstånd", 21),
                  T("TOBAK", "Försäljningstillstånd för tobak")],
                 "Ansökan om serveringstillstånd:D:B; Yttrande från polisen:D:B; Resultat från kunskapsprov:D:G5; "
                 "Beslut om tillstånd:D:B; Restaurangrapport:H:G5; Tillsynsrapport:D:B; Beslut om varning eller återkallelse:D:B"),
                ("Utöva tillsyn över hälsoskydd", "",
                 [T("HALSOSKYDD", "Anmälan om hälsoskyddsverksamhet", 42)],
                 "Anmälan om hygienisk behandlingslokal:D:B; Inspektionsrapport hälsoskydd:D:B; Beslut hälsoskydd:D:B"),
            ]),
        ]),
        ("Utbildning", "Förskola, grundskola, elevhälsa, skolskjuts och vuxenutbildning.", [
            ("Förskola och skola", [
                ("Placera barn i förskola och fritidshem", "",
                 [T("PLACERING", "Plats i förskola", 120, "Plats ska erbjudas inom fyra månader enligt skollagen.")],
                 "Ansökan om plats:H:G2; Placeringsbeslut:H:G2; Uppsägning av plats:H:G2; Inkomstuppgift för avgift:H:G2"),
                ("Anta och placera elever i grundskolan", "",
                 [T("SKOLVAL", "Skolval och placering"), T("ANPASSAD", "Mottagande i anpassad grundskola")],
                 "Skolvalsansökan:H:G2; Beslut om placering:D:B; Utredning inför mottagande i anpassad grundskola:D:B; "
                 "Beslut om mottagande i anpassad grundskola:D:B"),
                ("Dokumentera elevers kunskapsutveckling", "",
                 [],
                 "Betygskatalog:H:B; Åtgärdsprogram:H:B; Utredning om särskilt stöd:H:B; Individuell utvecklingsplan:H:G-INAKT; "
                 "Elevsvar på nationella prov:H:G5; Klasslista:H:B"),
                ("Utreda kränkningar och frånvaro", "",
                 [T("KRANK", "Kränkande behandling"), T("FRANVARO", "Utredning av upprepad frånvaro")],
                 "Anmälan om kränkande behandling:D:B; Utredning av kränkande behandling:D:B; Dokumentation av åtgärder:D:B; "
                 "Frånvarorapport:H:G2; Utredning av frånvaro:D:B"),
                ("Bedriva elevhälsa", "Medicinsk, psykologisk och psykosocial elevhälsa.",
                 [],
                 "Elevhälsojournal (medicinsk):H:B; Psykologjournal:H:B; Kuratorsjournal:H:B; Vaccinationsjournal:H:B"),
            ]),
            ("Skolskjuts och elevresor", [
                ("Pröva skolskjuts", "",
                 [T("SKOLSKJUTS", "Skolskjuts", 28)],
                 "Ansökan om skolskjuts:D:G2; Intyg som underlag för skolskjuts:D:G2; "
                 "Beslut om skolskjuts:D:G2:Räknas från att beslutet upphört att gälla; Överklagande av beslut om skolskjuts:D:B"),
            ]),
            ("Vuxenutbildning", [
                ("Anta och dokumentera vuxenstuderande", "",
                 [T("VUXANT", "Antagning till vuxenutbildning", 21)],
                 "Ansökan till vuxenutbildning:H:G2; Antagningsbeslut:H:G2; Individuell studieplan:H:G2; Betygskatalog vuxenutbildning:H:B"),
            ]),
            ("Tillsyn över enskild verksamhet", [
                ("Godkänna och granska enskild förskola", "",
                 [T("ENSKFSK", "Godkännande av enskild förskola", 120)],
                 "Ansökan om godkännande:D:B; Beslut om godkännande:D:B; Tillsynsrapport:D:B; Beslut om föreläggande:D:B"),
            ]),
        ]),
        ("Vård och omsorg", "Äldreomsorg, kommunal hälso- och sjukvård och stöd till personer med funktionsnedsättning.", [
            ("Äldreomsorg", [
                ("Utreda och besluta om bistånd till äldre", "Handlingarna förs i personakten och diarieförs inte.",
                 [T("AOBISTAND", "Bistånd inom äldreomsorgen")],
                 "Ansökan om bistånd:H:G5-ANT; Utredning:H:G5-ANT; Beslut om bistånd:H:G5-ANT; Journalanteckning:H:G5-ANT; "
                 "Uppdrag till utförare:H:G5-ANT; Genomförandeplan:H:G5-ANT"),
                ("Bedriva kommunal hälso- och sjukvård", "",
                 [T("LEXMARIA", "Anmälan enligt lex Maria")],
                 "Patientjournal:H:G10-ANT; Signeringslista för läkemedel:H:G10-ANT; Avvikelserapport:H:G10; "
                 "Anmälan till IVO enligt lex Maria:D:B; Samordnad individuell plan:H:G10-ANT"),
                ("Utreda missförhållanden enligt lex Sarah", "",
                 [T("LEXSARAH", "Rapport enligt lex Sarah")],
                 "Rapport om missförhållande:D:B; Utredning enligt lex Sarah:D:B; Anmälan till IVO enligt lex Sarah:D:B"),
            ]),
            ("Stöd till personer med funktionsnedsättning", [
                ("Utreda och besluta om insatser enligt LSS", "Handlingar i verksamhet enligt LSS gallras inte.",
                 [T("LSS", "Insats enligt LSS")],
                 "Ansökan om insats enligt LSS:H:B; Utredning enligt LSS:H:B; Beslut enligt LSS:H:B; Läkarintyg och utlåtanden:H:B; "
                 "Journalanteckning LSS:H:B; Genomförandeplan LSS:H:B"),
                ("Handlägga bostadsanpassningsbidrag", "",
                 [T("BAB", "Bostadsanpassningsbidrag")],
                 "Ansökan om bostadsanpassningsbidrag:D:G10; Intyg från arbetsterapeut:D:G10; Offert:D:G10; "
                 "Beslut om bostadsanpassningsbidrag:D:B; Underlag för utbetalning:H:G7-REG; Läkarintyg:D:G10"),
                ("Pröva färdtjänst", "",
                 [T("FARDTJANST", "Färdtjänst", 28)],
                 "Ansökan om färdtjänst:D:G2; Läkarintyg för färdtjänst:D:G2; Beslut om färdtjänst:D:B"),
            ]),
        ]),
        ("Socialtjänst", "Individ- och familjeomsorg: ekonomiskt stöd, barn och familj, vuxna.", [
            ("Ekonomiskt stöd", [
                ("Utreda och besluta om ekonomiskt bistånd", "Handlingarna förs i personakten och diarieförs inte.",
                 [T("EKB", "Ekonomiskt bistånd")],
                 "Ansökan om ekonomiskt bistånd:H:G5-ANT; Utredning om ekonomiskt bistånd:H:G5-ANT; Beslut om ekonomiskt bistånd:H:G5-ANT; "
                 "Underlag från sökanden:H:G5-ANT; Journalanteckning ekonomiskt bistånd:H:G5-ANT; Utbetalningsunderlag:H:G7-REG"),
                ("Ge budget- och skuldrådgivning", "",
                 [T("BUDGETRAD", "Budget- och skuldrådgivning")],
                 "Begäran om rådgivning:H:G2; Anteckningar från rådgivning:H:G2"),
                ("Återkräva ekonomiskt bistånd", "",
                 [T("ATERKRAV", "Återkrav")],
                 "Beslut om återkrav:D:G10; Ansökan om stämning:D:B; Avbetalningsplan:H:G10"),
            ]),
            ("Barn och familj", [
                ("Utreda barn som kan behöva skydd eller stöd", "",
                 [T("OROSANM", "Anmälan om oro för barn", 14, "Förhandsbedömning inom 14 dagar."),
                  T("BARNUTR", "Utredning om barn", 120)],
                 "Orosanmälan:H:G5-ANT; Förhandsbedömning:H:G5-ANT; Utredning om barn:H:G5-ANT; Beslut om insats för barn:H:G5-ANT; "
                 "Journalanteckning barn och unga:H:G5-ANT"),
                ("Placera barn och unga utanför hemmet", "",
                 [T("PLACBU", "Placering av barn eller unga")],
                 "Beslut om placering:H:B; Vårdplan:H:B; Genomförandeplan för placerat barn:H:B; Avtal med familjehem:H:B; "
                 "Ansökan om vård enligt LVU:H:B; Dom från förvaltningsrätten:H:B"),
                ("Handlägga familjerättsliga frågor", "",
                 [T("FORALDRASKAP", "Fastställande av föräldraskap"), T("VARDNAD", "Vårdnad, boende och umgänge")],
                 "Bekräftelse av föräldraskap:H:B; Utredning om vårdnad, boende och umgänge:H:B; Avtal om vårdnad:H:B; "
                 "Yttrande till tingsrätten:D:B"),
            ]),
            ("Vuxna", [
                ("Ge stöd till vuxna med missbruk", "",
                 [T("VUXMISSBR", "Insats för vuxen med missbruk"), T("LVM", "Utredning enligt LVM")],
                 "Ansökan eller anmälan vuxen:H:G5-ANT; Utredning vuxen:H:G5-ANT; Beslut om insats vuxen:H:G5-ANT; "
                 "Ansökan om vård enligt LVM:H:B; Journalanteckning vuxen:H:G5-ANT"),
                ("Ge stöd till våldsutsatta", "",
                 [T("VALD", "Stöd till våldsutsatt")],
                 "Ansökan om stöd:H:G5-ANT; Bedömning av skyddsbehov:H:G5-ANT; Beslut om skyddat boende:H:G5-ANT"),
            ]),
        ]),
        ("Kultur och fritid", "Bibliotek, kulturarv, kulturskola, föreningsliv och anläggningar.", [
            ("Bibliotek och kultur", [
                ("Bedriva folkbibliotek", "", [],
                 "Biblioteksplan:D:B; Låntagarregister:H:G-INAKT; Inköpsförslag från låntagare:H:G1; Statistik om biblioteket:H:B"),
                ("Förvalta konst och kulturarv", "",
                 [T("KONST", "Inköp av konst")],
                 "Konstregister:H:B; Beslut om inköp av konst:D:B; Avtal om deposition eller lån av konst:D:B; Inventering av konst:D:B"),
                ("Bedriva kulturskola", "", [],
                 "Anmälan till kulturskolan:H:G-INAKT; Avgiftsunderlag kulturskola:H:G2; Elevförteckning kulturskola:H:G5"),
            ]),
            ("Föreningsstöd och fritid", [
                ("Handlägga föreningsbidrag", "",
                 [T("FORENBIDR", "Föreningsbidrag", 42), T("ARRBIDR", "Bidrag till arrangemang", 28)],
                 "Ansökan om bidrag:D:G10; Beslut om bidrag:D:B; Redovisning av bidrag:D:G10; Föreningsregister:H:B"),
                ("Boka och upplåta anläggningar", "", [],
                 "Bokningsbekräftelse:H:G1-REG; Avtal om upplåtelse av anläggning:D:G2; Underlag för bokning:H:G-INAKT"),
                ("Bedriva fritidsgårdar och ungdomsverksamhet", "", [],
                 "Verksamhetsplan för fritidsgård:D:B; Besöksstatistik:H:B; Rapport om incident på fritidsgård:D:G2"),
            ]),
        ]),
        ("Teknik och infrastruktur", "Gator, trafik, vatten och avlopp, avfall samt kommunens fastigheter.", [
            ("Gator, trafik och parker", [
                ("Förvalta gator och vägar", "",
                 [T("GRAVTILLST", "Grävtillstånd", 14), T("TAPLAN", "Trafikanordningsplan", 14)],
                 "Ansökan om grävtillstånd:D:G5; Beslut om grävtillstånd:D:G5; Trafikanordningsplan:D:G2; Besiktningsprotokoll gata:D:G10"),
                ("Besluta om lokala trafikföreskrifter", "",
                 [T("LTF", "Lokal trafikföreskrift")],
                 "Begäran om trafikföreskrift:D:B; Lokal trafikföreskrift:D:B; Yttrande från polisen om trafikföreskrift:D:B; "
                 "Kungörelse av trafikföreskrift:D:B"),
                ("Pröva parkeringstillstånd för rörelsehindrade", "",
                 [T("PRH", "Parkeringstillstånd för rörelsehindrad", 28)],
                 "Ansökan om parkeringstillstånd:D:G2:Räknas från att tillståndet upphört; Läkarintyg för parkeringstillstånd:D:G2; "
                 "Beslut om parkeringstillstånd:D:G2"),
                ("Hantera skadeståndsanspråk", "",
                 [T("SKADA", "Skadeståndsanspråk")],
                 "Skadeanmälan:D:G10; Beslut om ersättning:D:G10; Korrespondens med försäkringsbolag:D:G10"),
            ]),
            ("Vatten, avlopp och avfall", [
                ("Leverera vatten och ta hand om avlopp", "",
                 [T("VAANSL", "Anslutning till allmänt vatten och avlopp")],
                 "Ansökan om anslutning:D:B; Beslut om förbindelsepunkt:D:B; Analysresultat dricksvatten:H:G10; Driftjournal VA:H:G10"),
                ("Hantera avfall", "",
                 [T("AVFUNDANT", "Undantag från avfallsföreskrifter"), T("KOMPOST", "Anmälan om kompostering")],
                 "Ansökan om uppehåll i hämtning:D:G5; Beslut om undantag:D:G5; Anmälan om kompostering:D:G5; Avfallsplan:D:B; "
                 "Föreskrifter om avfallshantering:D:B"),
            ]),
            ("Fastigheter och lokaler", [
                ("Förvalta kommunens fastigheter", "",
                 [T("LOKAL", "Inhyrning eller uthyrning av lokal")],
                 "Hyresavtal:D:G10:Räknas från att avtalet upphört; Relationsritningar:H:B; Besiktningsprotokoll fastighet:D:G10; "
                 "Energideklaration:H:G-INAKT; Felanmälan:H:G1-REG"),
                ("Bygga och bygga om lokaler", "",
                 [T("BYGGPROJ", "Byggprojekt")],
                 "Projekteringshandlingar:H:B; Slutbesiktningsprotokoll:D:B; Garantibesiktningsprotokoll:D:G10"),
            ]),
        ]),
    ]),
]


def build() -> dict:
    classes, case_types, document_types = [], [], []
    for t_no, (t_title, t_desc, areas) in enumerate(STRUCTURE, start=1):
        t_code = str(t_no)
        classes.append({"code": t_code, "level": "verksamhetstyp", "title": t_title, "description": t_desc, "parent": None})
        for a_no, (a_title, a_desc, groups) in enumerate(areas, start=1):
            a_code = f"{t_code}.{a_no}"
            classes.append({"code": a_code, "level": "verksamhetsomrade", "title": a_title, "description": a_desc, "parent": t_code})
            for g_no, (g_title, processes) in enumerate(groups, start=1):
                g_code = f"{a_code}.{g_no}"
                classes.append({"code": g_code, "level": "processgrupp", "title": g_title, "description": "", "parent": a_code})
                for p_no, (p_title, p_desc, cts, docs) in enumerate(processes, start=1):
                    p_code = f"{g_code}.{p_no}"
                    classes.append({"code": p_code, "level": "process", "title": p_title, "description": p_desc, "parent": g_code})
                    for ct in cts:
                        marking = CASE_TYPE_MARKINGS.get(ct["code"])
                        case_types.append({"process": p_code, **ct, **({"default_marking": marking} if marking else {})})
                    for d_no, spec in enumerate(s.strip() for s in docs.split(";")):
                        title, reg, rule, *desc = spec.split(":")
                        marking = document_marking(p_title, title)
                        document_types.append({
                            "process": p_code, "code": f"{p_code}-{d_no + 1:02d}", "title": title, "description": ":".join(desc),
                            "registration": {"D": "diariefors", "H": "halls_ordnad"}[reg], "retention_rule": rule,
                            **({"default_marking": marking} if marking else {}),
                        })
    rule_codes = {r[0] for r in RULES}
    assert all(d["retention_rule"] in rule_codes for d in document_types), "unknown rule code"
    assert set(CASE_TYPE_MARKINGS) <= {c["code"] for c in case_types}, "marking for an unknown case type"
    processes = {c["title"] for c in classes if c["level"] == "process"}
    assert set(PROCESS_MARKINGS) <= processes, "marking for an unknown process"
    known = {(next(c["title"] for c in classes if c["code"] == d["process"]), d["title"]) for d in document_types}
    assert set(DOCUMENT_MARKINGS) <= known, "marking for an unknown handlingstyp"
    assert len({c["code"] for c in case_types}) == len(case_types), "case type codes must be unique"
    return {
        "scheme": {
            "name": "Exempelby kommuns klassificeringsstruktur",
            "version": "1",
            "description": "Knutpunkts exempelstruktur för en kommun, i KLASSA:s form men med egen text. Ersätt den med kommunens egen.",
            "valid_from": "2025-01-01",
        },
        "retention_rules": [
            {"code": c, "action": a, "period_months": m, "trigger": t, "legal_basis": lb, "note": n} for c, a, m, t, lb, n in RULES
        ],
        "classes": classes,
        "case_types": case_types,
        "document_types": document_types,
    }


if __name__ == "__main__":
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    levels = {}
    for c in data["classes"]:
        levels[c["level"]] = levels.get(c["level"], 0) + 1
    marked = [t for t in data["case_types"] + data["document_types"] if "default_marking" in t]
    print(OUT, levels, "ärendetyper:", len(data["case_types"]), "handlingstyper:", len(data["document_types"]),
          "med förvald sekretess:", len(marked))
