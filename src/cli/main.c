/*
 * main.c - the dualtrack command line: the command table and the dispatcher.
 *
 * Each subcommand is one entry of the const table below (name, handler,
 * flags, usage, summary) and one file cmd_<name>.c.  The dispatcher finds
 * the command, answers `dualtrack --help` and `dualtrack help CMD`, reports
 * unknown commands (exit 2), and hands the rest of argv to the handler,
 * which parses its own options with getopt_long (see cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/secret.h"
#include "core/banned.h"

#define DB_OPTS                                                                                   \
	"  --db PATH|URI    the database: a SQLite file, or postgresql://USER@HOST[:PORT]/NAME\n" \
	"                   (default $DUALTRACK_DB, else ./dualtrack.db)\n"                       \
	"  --key-file PATH  its key file (default $DUALTRACK_KEY_FILE, else dualtrack.key\n"      \
	"                   beside the database file, or NAME.key here for PostgreSQL)\n"

static const struct dt_cmd commands[] = {
	{ "init", cmd_init, DT_CMD_DB,
	  "init [--signing-key PATH] [--db PATH] [--key-file PATH]\n"
	  "  --signing-key P  where to make the audit signing key (default\n"
	  "                   $DUALTRACK_SIGNING_KEY, else dualtrack.signing.key beside the key\n"
	  "                   file); an existing one is kept\n",
	  "create the database, its key file and audit signing key, load regions and occupations" },
	{ "check", cmd_check, DT_CMD_DB, "check [--db PATH] [--key-file PATH]\n",
	  "check the database: schema, integrity, references, audit chain, records, aggregates" },
	{ "validate", cmd_validate, 0,
	  "validate national-id|uscc|region|occupation VALUE...\n"
	  "  Prints \"VALUE: ok\" or \"VALUE: invalid: REASON\" for each value; needs no database.\n",
	  "check national IDs, credit codes, region or occupation codes" },
	{ "demo", cmd_demo, DT_CMD_DB | DT_CMD_KEY,
	  "demo [--seed S] [--db PATH] [--key-file PATH]\n"
	  "  --seed S         the random seed (default 1); the same seed gives the same pilot\n",
	  "load the demo pilot (Shenyang, Anshan, Panjin, ...) into an empty database" },
	{ "gen", cmd_gen, DT_CMD_DB | DT_CMD_KEY,
	  "gen --trainees N [--seed S] [--db PATH] [--key-file PATH]\n"
	  "  --trainees N     how many trainees to generate (with their organisations,\n"
	  "                   contracts and records)\n"
	  "  --seed S         the random seed (default 1)\n",
	  "generate a pilot of a given size (for benchmarks)" },
	{ "copy", cmd_copy, 0,
	  "copy --to DST [--from SRC] [--key-file PATH]\n"
	  "  --from SRC       the database to copy: a SQLite file or a postgresql:// URI\n"
	  "                   (default $DUALTRACK_DB, else ./dualtrack.db)\n"
	  "  --to DST         the new database (made if it does not exist; must hold no pilot)\n"
	  "  --key-file PATH  the source's key file; the target's key file is a copy of it\n"
	  "  Copies every record with its id, the settings and the audit chain in one\n"
	  "  transaction, then checks row counts and verifies the target's audit chain.\n",
	  "move a whole pilot to another database (e.g. SQLite to PostgreSQL)" },
	{ "summary", cmd_summary, DT_CMD_DB,
	  "summary [--region CODE] [--format table|json] [--db PATH] [--key-file PATH]\n"
	  "  --region CODE    only the pilots within this region (e.g. 210000)\n"
	  "  --format F       table (default) or json\n",
	  "counts per pilot city: organisations, trainees, contracts, dual ratio" },
	{ "indicators", cmd_indicators, DT_CMD_DB,
	  "indicators [--region CODE] [--year Y] [--quarter Q | --month M] [--occupation CODE]\n"
	  "           [--children] [--format table|json|csv] [--db PATH] [--key-file PATH]\n"
	  "indicators [...] --format xlsx -o FILE.xlsx [--indicator CODE] [--lang zh|en]\n"
	  "indicators --rebuild | --verify [--db PATH] [--key-file PATH]\n"
	  "  --region CODE    the region (default: the nation); rolled up from the cities below it\n"
	  "  --year Y         the year (default: this year); --quarter 1..4 or --month 1..12 narrow it\n"
	  "  --occupation C   only contracts, assessments, demand and places of occupation C\n"
	  "  --children       also each sub-region's values (json)\n"
	  "  --format F       table (default), json, csv (UTF-8 with BOM), or xlsx: the dashboard\n"
	  "                   view as a workbook with charts (-o FILE; --indicator CODE charted)\n"
	  "  --rebuild        recompute the aggregates from the facts (audited)\n"
	  "  --verify         compare the maintained aggregates with a rebuild; exit 1 if they differ\n"
	  "  Weights of the composite score and alert thresholds are settings: see docs/INDICATORS.md.\n",
	  "the pilot's indicators for a region and period, with targets and attainment" },
	{ "rank", cmd_rank, DT_CMD_DB,
	  "rank [--year Y] [--level city|province] [--within CODE] [--format table|json]\n"
	  "     [--db PATH] [--key-file PATH]\n"
	  "  --year Y         the year (default: this year)\n"
	  "  --level L        rank the pilot cities (default) or the pilot provinces\n"
	  "  --within CODE    only the pilots within this region\n",
	  "rank the pilots by composite score, with the change against the year before" },
	{ "publish", cmd_publish, DT_CMD_DB,
	  "publish [--region CODE] [--year Y] [--db PATH] [--key-file PATH]\n"
	  "   or: dualtrack publish --withdraw ID\n"
	  "  --region CODE    the pilot city to publish (default: every pilot city)\n"
	  "  --year Y         the year of the figures (default: this year)\n"
	  "  --withdraw ID    withdraw publication ID (the portal shows the one before)\n"
	  "  Freezes the city's indicators, targets, attainment and the ranking with the\n"
	  "  score's parts as they are now, for the public portal (docs/PORTAL.md).\n",
	  "publish pilot cities' figures on the public portal" },
	{ "alerts", cmd_alerts, DT_CMD_DB,
	  "alerts [list] [--status open|acknowledged|resolved] [--format table|json]\n"
	  "alerts evaluate\n"
	  "alerts ack|resolve ID [--note TEXT]\n"
	  "  list             the alerts, newest first (default)\n"
	  "  evaluate         run every alert rule now (the server does after changes and daily)\n"
	  "  ack, resolve     acknowledge or resolve alert ID\n"
	  "  --note TEXT      what was done (at most 2000 characters)\n",
	  "monitoring alerts: list, evaluate the rules, acknowledge, resolve" },
	{ "notify", cmd_notify, DT_CMD_DB,
	  "notify deliver --once [--smtp-url URL --mail-from ADDR] [--webhook-url URL]\n"
	  "       [--public-url URL]\n"
	  "notify due\n"
	  "notify status\n"
	  "  deliver --once   send every notification message due in the outbox now (the\n"
	  "                   server does continuously); exit 1 when some failed (they are\n"
	  "                   tried again later)\n"
	  "  --smtp-url URL   the SMTP server, smtp[s]://HOST[:PORT] (default\n"
	  "                   $DUALTRACK_SMTP_URL); --mail-from ADDR the sender\n"
	  "                   ($DUALTRACK_MAIL_FROM)\n"
	  "  --webhook-url URL  where webhook messages are POSTed ($DUALTRACK_WEBHOOK_URL)\n"
	  "  --public-url URL the server's address, for links ($DUALTRACK_PUBLIC_URL)\n"
	  "  due              notify the organisations of findings due in 7, 3 and 1 days\n"
	  "                   (the server does daily; each once)\n"
	  "  status           the outbox's counts: pending, sent, failing\n",
	  "notifications: deliver the outbox, findings due, outbox status" },
	{ "inspection", cmd_inspection, DT_CMD_DB,
	  "inspection plan --region CODE --year Y --title T --kinds K[,K...] (--count N | --rate R)\n"
	  "           [--cross-city] [--weights JSON] --inspector LOGIN[:ORG_ID]...\n"
	  "inspection commit|draw|reveal|verify|show PLAN [--format table|json]\n"
	  "inspection list [--format table|json]\n"
	  "  plan             make a draft inspection plan for a province or city: the kinds of\n"
	  "                   object (enterprise, school, contract, pilot_task), the sample per\n"
	  "                   city (a count, or a rate in (0, 1]), the inspector pool (inspector\n"
	  "                   accounts; :ORG_ID declares the inspector's own organisation); the\n"
	  "                   default checklist is copied in\n"
	  "  --cross-city     inspectors never inspect their own city\n"
	  "  --weights JSON   risk points, e.g. {\"base\": 1, \"alert\": 2, \"quality\": 2,\n"
	  "                   \"finding\": 3, \"max\": 20} (these are the defaults)\n"
	  "  commit           freeze the candidates with their risk weights and the pool; make a\n"
	  "                   secret seed, sealed with the key file, and show its hash\n"
	  "  draw             draw the objects and the inspector pairs\n"
	  "  reveal           publish the seed\n"
	  "  verify           re-run the draw from the published inputs and seed: exit 0 when it\n"
	  "                   equals the recorded draw, 1 with the first difference\n"
	  "  show             a plan with its candidates, weights, reasons and inspections\n"
	  "  The algorithm is in docs/SUPERVISION.md.\n",
	  "inspection plans and their verifiable draw (双随机): plan, commit, draw, reveal, verify" },
	{ "finding", cmd_finding, DT_CMD_DB,
	  "finding [list] [--status S] [--severity S] [--region CODE] [--inspection ID]\n"
	  "        [--overdue] [--limit N] [--format table|json] [--db PATH] [--key-file PATH]\n"
	  "finding show ID [--format table|json]\n"
	  "  list             findings of supervision by id, with days left, overdue and colour\n"
	  "  show ID          one finding with its files and rectifications\n"
	  "  --status S       open, rectifying, submitted or closed\n"
	  "  --severity S     general, serious or grave (一般, 较重, 严重)\n"
	  "  --region CODE    within this region\n"
	  "  --overdue        only open or rectifying findings past their deadline\n"
	  "  --limit N        at most N (1..1000, default 1000)\n"
	  "  Colours: red overdue or due within 3 days, yellow within 7, green later.\n",
	  "supervision findings: list them, show one with its rectifications" },
	{ "settings", cmd_settings, DT_CMD_DB,
	  "settings [list] [--db PATH] [--key-file PATH]\n"
	  "settings set KEY VALUE\n"
	  "  list             every setting with its value and default (the default action)\n"
	  "  set KEY VALUE    weight.CODE: an indicator's weight in the composite score;\n"
	  "                   alert.RULE: an alert rule's threshold (audited)\n",
	  "weights of the composite score and alert thresholds" },
	{ "audit", cmd_audit, DT_CMD_DB,
	  "audit verify [--against FILE [--public-key FILE|HEX]] [--records] [--db PATH]\n"
	  "audit checkpoint [-o FILE] [--signing-key PATH]\n"
	  "audit keygen [-o FILE]\n"
	  "audit pubkey [--signing-key PATH]\n"
	  "  verify           recompute the hash chain; name the first edited, removed or\n"
	  "                   reordered event (alone it cannot see a rewrite of the whole chain)\n"
	  "  --against FILE   also fail unless the chain still extends this signed checkpoint:\n"
	  "                   its event must be there with its hash (exit 1 naming the event)\n"
	  "  --public-key K   the key the checkpoint must be signed by: 64 hex digits or a file\n"
	  "                   holding them (default: the local signing key's public half)\n"
	  "  --records        also compare every audited record with its audit events\n"
	  "                   (as `check` does): name each table, id and field that differ\n"
	  "  checkpoint       sign the head (event id, hash, time, database) with the signing\n"
	  "                   key; -o FILE writes it there (default: stdout)\n"
	  "  keygen           make a new Ed25519 signing key, mode 0600 (refuses to overwrite)\n"
	  "  pubkey           print the signing key's public key, for a province or the nation\n"
	  "                   to keep\n"
	  "  --signing-key P  the signing key (default $DUALTRACK_SIGNING_KEY, else\n"
	  "                   dualtrack.signing.key beside the key file)\n",
	  "verify the audit chain, sign checkpoints of it, compare the records with it" },
	{ "show", cmd_show, DT_CMD_DB,
	  "show ENTITY ID [--unmask] [--db PATH] [--key-file PATH]\n"
	  "  --unmask         show personal identity numbers in clear (the read is audited)\n",
	  "show one record as JSON" },
	{ "list", cmd_list, DT_CMD_DB,
	  "list ENTITY [--filter FIELD=VALUE]... [--q TEXT] [--sort FIELD] [--desc]\n"
	  "            [--limit N] [--cursor C] [--format table|json|jsonl]\n"
	  "  --filter F=V     only records whose FIELD equals VALUE (region: within)\n"
	  "  --q TEXT         free-text search over the entity's searchable fields\n"
	  "  --sort FIELD     sort by FIELD (default id); --desc reverses\n"
	  "  --limit N        at most N records (1..1000, default 50)\n"
	  "  --cursor C       continue after the page that printed \"next: C\" on stderr\n"
	  "  --format F       table (default), json (an array) or jsonl (one object per line)\n",
	  "list records of one entity" },
	{ "add", cmd_add, DT_CMD_DB | DT_CMD_KEY,
	  "add ENTITY --json JSON|- [--db PATH] [--key-file PATH]\n"
	  "  --json JSON      the record as a JSON object; - reads it from stdin\n",
	  "create a record" },
	{ "update", cmd_update, DT_CMD_DB | DT_CMD_KEY,
	  "update ENTITY ID --json JSON|- [--db PATH] [--key-file PATH]\n"
	  "  --json JSON      the fields to change as a JSON object; - reads it from stdin\n",
	  "change fields of a record" },
	{ "delete", cmd_delete, DT_CMD_DB | DT_CMD_KEY,
	  "delete ENTITY ID [--db PATH] [--key-file PATH]\n",
	  "delete a record (refused while others refer to it)" },
	{ "contract", cmd_contract, DT_CMD_DB | DT_CMD_KEY,
	  "contract ACTION ID [--party enterprise|school|trainee] [--json ARGS] [--db PATH]\n"
	  "         [--key-file PATH]\n"
	  "contract pdf|book ID -o FILE.pdf [--lang zh|en]\n"
	  "  ACTION           submit, withdraw, approve, activate, complete, dissolve or transfer\n"
	  "  pdf              the three-party contract as PDF, ready to sign and stamp\n"
	  "  book             the contract's record book (培养手册) as PDF\n"
	  "  -o FILE          where to write the PDF (- for stdout)\n"
	  "  --lang L         zh or en (default: the locale's language)\n"
	  "  --party P        the approving party (approve only)\n"
	  "  --json ARGS      complete: {\"date\"}; dissolve: {\"date\", \"reason\", \"in_probation\"};\n"
	  "                   transfer: {\"date\", \"enterprise_id\" and/or \"school_id\", ...}\n",
	  "move a contract through its life: submit, approve, activate, end; print it as PDF" },
	{ "report", cmd_report, DT_CMD_DB,
	  "report --region CODE [--year Y] -o FILE.pdf [--lang zh|en] [--db PATH] [--key-file PATH]\n"
	  "  --region CODE    the pilot city or province\n"
	  "  --year Y         the year (default: this year)\n"
	  "  -o FILE          where to write the PDF (- for stdout)\n"
	  "  --lang L         zh or en (default: the locale's language)\n"
	  "  Indicators with targets and attainment, the ranking with the score's parts,\n"
	  "  monthly trends as charts, alerts and supervision (docs/CLI.md).\n",
	  "the annual evaluation report of a pilot city or province as PDF" },
	{ "mentor", cmd_mentor, DT_CMD_DB | DT_CMD_KEY,
	  "mentor link MENTOR_ID LOGIN | mentor load [--db PATH] [--key-file PATH]\n"
	  "  link             make account LOGIN the mentor's own (MENTOR_ID 0: unlink): it\n"
	  "                   signs off as the mentor the contracts name; the account is an\n"
	  "                   enterprise's (company mentor) or a school's (school mentor)\n"
	  "  load             every mentor with the number of active contracts naming it\n"
	  "  The register itself: add mentor, list mentors, update mentor.\n",
	  "link a mentor's account; each mentor's load" },
	{ "record", cmd_record, DT_CMD_DB | DT_CMD_KEY,
	  "record signoff ID [--db PATH] [--key-file PATH]\n"
	  "  Signs off record-book entry ID; a signed entry can no longer be changed.\n",
	  "sign off a record-book entry" },
	{ "refdata", cmd_refdata, DT_CMD_DB | DT_CMD_KEY,
	  "refdata load regions|occupations FILE [--db PATH] [--key-file PATH]\n"
	  "  Adds new codes and updates known ones from a UTF-8 CSV file with a header row\n"
	  "  (FILE - reads stdin); nothing is deleted, and any bad row loads nothing.\n",
	  "load a newer region or occupation table" },
	{ "serve", cmd_serve, DT_CMD_DB | DT_CMD_KEY,
	  "serve [--listen HOST:PORT] [--threads N] [--max-body BYTES] [--max-upload BYTES]\n"
	  "      [--public-url URL] [--trust-proxy]\n"
	  "      [--checkpoint-every MINUTES [--checkpoint-dir DIR]] [--signing-key PATH]\n"
	  "      [--metrics-listen HOST:PORT] [--metrics-token-file FILE]\n"
	  "      [--smtp-url URL --mail-from ADDR] [--webhook-url URL] [--notify-lease SECONDS]\n"
	  "      [--portal-rate N] [--db PATH] [--key-file PATH]\n"
	  "  --listen H:P     the address to listen on: an IPv4 address or localhost, and a\n"
	  "                   port (default 127.0.0.1:8080)\n"
	  "  --threads N      worker threads, 1..256 (default 0: one per core)\n"
	  "  --max-body BYTES the largest JSON request body (default 1048576); a larger one\n"
	  "                   is refused with 413 before it is read, as is any body sent to\n"
	  "                   a route that takes none (GET, DELETE)\n"
	  "  --max-upload BYTES the largest file POST /api/v1/imports takes from a signed-in\n"
	  "                   caller (default 268435456); kept in a temporary file\n"
	  "  --public-url URL the address users reach the server at (http[s]://HOST[:PORT]);\n"
	  "                   https:// marks the session cookie Secure; sign-in takes its Origin\n"
	  "  --trust-proxy    believe X-Forwarded-For (the client's address, for the sign-in\n"
	  "                   throttle) and X-Forwarded-Proto: only behind a proxy that sets them\n"
	  "  --checkpoint-every MINUTES  sign the audit chain's head every MINUTES (1..10080)\n"
	  "                   when it moved, with the signing key, as checkpoint-EVENT.txt in\n"
	  "                   --checkpoint-dir DIR (default: checkpoints/ beside the database);\n"
	  "                   published at GET /api/v1/audit/checkpoints\n"
	  "  --signing-key P  the audit signing key (default $DUALTRACK_SIGNING_KEY, else\n"
	  "                   dualtrack.signing.key beside the key file)\n"
	  "  --metrics-token-file FILE  serve GET /metrics to \"Authorization: Bearer T\", T\n"
	  "                   the file's first line (16+ characters); without it /metrics is 404\n"
	  "  --metrics-listen H:P  also serve GET /metrics (and nothing else), without a\n"
	  "                   token, on this address: keep it to a monitoring network\n"
	  "  --smtp-url URL   send notifications by e-mail through this SMTP server,\n"
	  "                   smtp[s]://HOST[:PORT] (default $DUALTRACK_SMTP_URL), from\n"
	  "                   --mail-from ADDR (default $DUALTRACK_MAIL_FROM)\n"
	  "  --webhook-url URL  POST notifications as JSON here (default $DUALTRACK_WEBHOOK_URL)\n"
	  "  --notify-lease SECONDS  how long a delivery may take before another server (or\n"
	  "                   this one, restarted) tries it again, 2..3600 (default 60); a send\n"
	  "                   may take half of it\n"
	  "  --portal-rate N  requests per client address per 10 seconds to the public\n"
	  "                   portal's pages, 0..1000000 (default 600; 0: no limit)\n"
	  "  Serves the public portal at / (docs/PORTAL.md), the application at /app/ and\n"
	  "  the HTTP API until SIGTERM or SIGINT, then finishes the requests under way\n"
	  "  and exits 0.\n",
	  "serve the HTTP API" },
	{ "user", cmd_user, DT_CMD_DB,
	  "user add --login L --role R [--scope S] [--email E] [--phone P] --password-stdin\n"
	  "   or: dualtrack user list [--format table|json]\n"
	  "   or: dualtrack user disable|enable LOGIN\n"
	  "   or: dualtrack user passwd LOGIN --password-stdin\n"
	  "  --login L        the account's login: 2..64 of a-z 0-9 . - _ @\n"
	  "  --role R         admin, national, province, city, school, enterprise, trainee,\n"
	  "                   inspector or assessor (an assessment body's staff)\n"
	  "  --scope S        what the role is limited to: a region code (province, city,\n"
	  "                   inspector; optional for national), the organisation's USCC or\n"
	  "                   org:ID (school, enterprise, assessor: an assessment body), the\n"
	  "                   trainee's national ID or trainee:ID (trainee); none for admin\n"
	  "  --password-stdin read the password from stdin: one line, at least 8 characters\n"
	  "                   (on a terminal it is prompted for without echo)\n"
	  "  --format F       table (default) or json (list)\n"
	  "  disable revokes the account's sessions and tokens; passwd signs out its sessions.\n",
	  "manage the accounts that sign in to the HTTP API" },
	{ "token", cmd_token, DT_CMD_DB | DT_CMD_KEY,
	  "token create --login L [--expires DAYS] [--db PATH] [--key-file PATH]\n"
	  "   or: dualtrack token revoke ID\n"
	  "  --login L        the account the token acts as (with its role and scope)\n"
	  "  --expires DAYS   days until the token expires, 1..3650 (default 90)\n"
	  "  create prints the token alone on stdout (shown once; only its hash is kept) and\n"
	  "  its ID on stderr; revoke ID ends it at once.\n",
	  "create or revoke an API token (Authorization: Bearer)" },
	/* Bulk import and export (cmd_import.c, cmd_export.c; docs/IMPORT.md). */
	{ "import", cmd_import, DT_CMD_DB | DT_CMD_KEY,
	  "import --kind KIND FILE [--encoding auto|utf-8|gbk] [--partial] [--report FILE]\n"
	  "       [--format text|json] [--db PATH] [--key-file PATH]\n"
	  "  --kind KIND      what the file holds: trainees, organizations, programmes,\n"
	  "                   partnerships, contracts, record-entries, assessments, outcomes,\n"
	  "                   demands, places, pilots, ... (singular or plural)\n"
	  "  FILE             a CSV file or an Excel workbook (.xlsx: its first sheet; known\n"
	  "                   by its content, not its name) with a header row (Chinese or\n"
	  "                   English column names, any order); - reads stdin\n"
	  "  --encoding E     of a CSV file: auto (default: detected), utf-8 or gbk\n"
	  "  --partial        import the good rows even if some are rejected (default: all\n"
	  "                   or nothing)\n"
	  "  --report FILE    write the error report (CSV: row, column, field, value,\n"
	  "                   message in Chinese and English); otherwise the first errors go\n"
	  "                   to stderr\n"
	  "  --format F       text (default) or json: the summary on stdout\n"
	  "  Exit 0 when every row was imported, 1 when rows were rejected or the file is\n"
	  "  unusable (all or nothing: nothing written; --partial: the good rows written).\n",
	  "import records from a CSV file (UTF-8 or GBK) or an Excel workbook, all or nothing" },
	{ "export", cmd_export, DT_CMD_DB,
	  "export --kind KIND --format csv|xlsx -o FILE [--filter FIELD=VALUE]... [--q TEXT]\n"
	  "       [--lang zh|en] [--unmask] [--template] [--sample N] [--db PATH]\n"
	  "       [--key-file PATH]\n"
	  "  --kind KIND      the records to export (as for import)\n"
	  "  --format F       csv (UTF-8 with BOM, as Excel opens it) or xlsx\n"
	  "  -o, --output F   the file to write (- for stdout, csv only)\n"
	  "  --filter F=V     only records whose FIELD equals VALUE (region: within), as list\n"
	  "  --q TEXT         free-text search, as list\n"
	  "  --lang L         column names and enumerated values in zh (default) or en\n"
	  "  --unmask         national IDs in clear (audited); otherwise masked\n"
	  "  --template       an empty file with the header and one example row\n"
	  "  --sample N       N generated example rows (trainees: valid, distinct national\n"
	  "                   IDs; for tests and benchmarks); needs no database\n",
	  "export records (or an import template) as CSV or XLSX" },
};

const struct dt_cmd *cli_cmd;
/* What `dualtrack help X` is while it names no command: its messages say "dualtrack help". */
static const struct dt_cmd help_cmd = { "help", NULL, 0, "help [COMMAND]\n", "" };

static const struct dt_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < DT_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/*
 * The usage text is the synopsis (continuation lines indented by more than
 * two blanks) followed by option lines indented by exactly two; the summary
 * goes between them.
 */
void cli_usage(FILE *f)
{
	const struct dt_cmd *c = cli_cmd;
	const char *opts = c->usage + strlen(c->usage);
	for (const char *p = strchr(c->usage, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		if (p[1] == ' ' && p[2] == ' ' && p[3] != ' ') {
			opts = p + 1;
			break;
		}
	}
	fprintf(f, "usage: dualtrack %.*s\n%s.\n\n%s", (int)(opts - c->usage), c->usage, c->summary,
		opts);
	if (c->flags & DT_CMD_DB)
		fputs(DB_OPTS, f);
	fputs("  --help           this text\n", f);
}

static void list_commands(FILE *f)
{
	fprintf(f,
		"usage: dualtrack COMMAND [ARGS]\n\n"
		"dualtrack - 双元培育试点管理平台, the dual vocational training pilot platform.\n\n"
		"commands:\n");
	for (size_t i = 0; i < DT_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n`dualtrack COMMAND --help` shows a command's options.\n"
		"environment: DUALTRACK_DB, DUALTRACK_KEY_FILE, DUALTRACK_SIGNING_KEY,\n"
		"DUALTRACK_TODAY (YYYY-MM-DD); LC_ALL, LC_MESSAGES or LANG zh_* for messages in\n"
		"Chinese (English otherwise).\n"
		"exit status: 0 ok, 1 invalid input or failed check, 2 usage error, 3 internal error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		list_commands(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (!strcmp(name, "help") && argc > 2) {
			cli_cmd = find_command(argv[2]);
			if (!cli_cmd) {
				cli_cmd = &help_cmd;
				cli_say(NULL, "cli.unknown_command", "name", argv[2], NULL);
				return 2;
			}
			cli_usage(stdout);
			return 0;
		}
		list_commands(stdout);
		return 0;
	}
	cli_cmd = find_command(name);
	if (!cli_cmd) {
		cli_say(NULL, "cli.see_help", "name", name, "help", "--help", NULL);
		return 2;
	}
	if (dt_secret_init() != DT_OK) {
		cli_say(NULL, "cli.no_sodium", NULL);
		return 3;
	}
	return cli_cmd->fn(argc - 1, argv + 1);
}
