/*
 * import_queue.c - the bounded queue between the import's parser and writer.
 *
 * The parser thread hands full batches of rows (DT_IMPORT_BATCH_ROWS) to the
 * writer over a queue of at most DT_IMPORT_QUEUE_BATCHES, so it runs at most
 * that far ahead and memory stays flat whatever the size of the file.  Also
 * the freeing of rows and batches.  Part of the importer in import.c.
 */
#include <csv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/import.h"
#include "io/import_internal.h"
#include "core/banned.h"

void dt_import_trainee_free(struct dt_trainee_new *t)
{
	if (!t)
		return;
	dt_strbuf_release(&t->after);
	free(t);
}

static void row_release(struct dt_import_row *r)
{
	dt_import_trainee_free(r->t);
	json_decref(r->in);
	json_decref(r->keys);
	json_decref(r->state);
	json_decref(r->errs);
	json_decref(r->vals);
	memset(r, 0, sizeof(*r));
}

void dt_import_batch_free(struct dt_import_batch *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++)
		row_release(&b->rows[i]);
	free(b);
}

void dt_import_queue_push(struct dt_import_parser *p, struct dt_import_batch *b)
{
	struct dt_import_queue *q = p->q;
	pthread_mutex_lock(&q->mu);
	while (q->count >= DT_IMPORT_QUEUE_BATCHES && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->stop) {
		pthread_mutex_unlock(&q->mu);
		dt_import_batch_free(b);
		return;
	}
	b->next = NULL;
	if (q->tail)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
	q->count++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* The next batch, or NULL at the end. */
struct dt_import_batch *dt_import_queue_pop(struct dt_import_queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->head && !q->done)
		pthread_cond_wait(&q->cv, &q->mu);
	struct dt_import_batch *b = q->head;
	if (b) {
		q->head = b->next;
		if (!q->head)
			q->tail = NULL;
		q->count--;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return b;
}

bool dt_import_queue_stopped(struct dt_import_queue *q)
{
	if (!q)
		return false;
	pthread_mutex_lock(&q->mu);
	bool s = q->stop;
	pthread_mutex_unlock(&q->mu);
	return s;
}
