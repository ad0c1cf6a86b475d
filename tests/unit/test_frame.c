/* Unit tests of the remote stream's frames (src/frame.c, docs/protocol.md section 9). */
#include <string.h>

#include <herd.h>

#include "frame.h"

TEST(frame, header_layout)
{
	struct buf b = BUF_INIT;
	static const unsigned char want[] = { 'D', 0, 0, 1, 2, 0, 0, 0, 3, 'a', 'b', 'c' };

	frame_put(&b, FR_DATA, 0x102, "abc", 3);
	REQUIRE_EQ(b.len, sizeof(want));
	CHECK_MEM_EQ(b.data, want, sizeof(want), "type, channel and length, big-endian");
	buf_clear(&b);
}

TEST(frame, round_trip_whatever_the_reads)
{
	struct buf b = BUF_INIT;
	struct frame_dec d;
	struct frame f;
	char err[128], big[70000];
	size_t i, at, got = 0;
	int r;

	memset(big, 'x', sizeof(big));
	frame_put(&b, FR_START, 1, "start\tabc\n", 10);
	frame_put(&b, FR_PING, 0, NULL, 0);
	at = frame_begin(&b, FR_DATA, 7);
	buf_add(&b, big, sizeof(big));
	CHECK_EQ(frame_end(&b, at), 0);
	frame_put(&b, FR_EXIT, 4294967295u, "\0\n\t", 3);
	frame_dec_init(&d);
	/* One byte at a time: a frame comes out only once it is whole. */
	for (i = 0; i < b.len; i++) {
		frame_dec_feed(&d, b.data + i, 1);
		while ((r = frame_next(&d, &f, err, sizeof(err))) == 1) {
			switch (got++) {
			case 0:
				CHECK_EQ(f.type, FR_START);
				CHECK_EQ(f.chan, 1u);
				CHECK_MEM_EQ(f.p, "start\tabc\n", 10);
				break;
			case 1:
				CHECK_EQ(f.type, FR_PING);
				CHECK_EQ(f.n, (size_t)0);
				break;
			case 2:
				CHECK_EQ(f.chan, 7u);
				CHECK_EQ(f.n, sizeof(big));
				CHECK_MEM_EQ(f.p, big, sizeof(big));
				break;
			case 3:
				CHECK_EQ(f.type, FR_EXIT);
				CHECK_EQ(f.chan, 4294967295u);
				CHECK_MEM_EQ(f.p, "\0\n\t", 3);
				break;
			}
		}
		REQUIRE_EQ(r, 0);
	}
	CHECK_EQ(got, (size_t)4);
	frame_dec_free(&d);
	buf_clear(&b);
}

TEST(frame, broken_streams)
{
	static const unsigned char lower[] = { 'd', 0, 0, 0, 1, 0, 0, 0, 0 };
	static const unsigned char huge[] = { 'D', 0, 0, 0, 1, 1, 0, 0, 1 };
	static const unsigned char limit[] = { 'D', 0, 0, 0, 1, 1, 0, 0, 0 };
	struct frame_dec d;
	struct frame f;
	char err[128];

	frame_dec_init(&d);
	frame_dec_feed(&d, lower, sizeof(lower));
	CHECK_EQ(frame_next(&d, &f, err, sizeof(err)), -1);
	CHECK_STR_EQ(err, "a frame of type 0x64");
	frame_dec_free(&d);
	frame_dec_init(&d);
	frame_dec_feed(&d, huge, sizeof(huge));
	CHECK_EQ(frame_next(&d, &f, err, sizeof(err)), -1, "refused before its payload comes");
	CHECK_STR_EQ(err, "a frame of 16777217 bytes");
	frame_dec_free(&d);
	frame_dec_init(&d);
	frame_dec_feed(&d, limit, sizeof(limit));
	CHECK_EQ(frame_next(&d, &f, err, sizeof(err)), 0, "16 MiB exactly: waits for it");
	frame_dec_free(&d);
}

TEST(frame, too_long_a_payload_is_refused)
{
	struct buf b = BUF_INIT;
	size_t at = frame_begin(&b, FR_BLOB, 0);

	buf_grow(&b, FRAME_MAX + 1);
	b.len += FRAME_MAX + 1;
	CHECK_EQ(frame_end(&b, at), -1);
	b.len = at + FRAME_HEADER + FRAME_MAX;
	CHECK_EQ(frame_end(&b, at), 0);
	buf_clear(&b);
}
