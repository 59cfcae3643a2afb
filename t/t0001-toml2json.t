#!/bin/sh
test_description='toml2json: TOML on stdin, tagged JSON on stdout

Runs the toml2json test tool as a command: exit 0 and the exact tagged
JSON of toml-test for valid documents, exit 1 and "line:column: message"
on stderr for invalid ones, including the hostile inputs (oversized,
NUL byte, invalid UTF-8).  Needs jq for the JSON comparisons.'

. "$(dirname "$0")/sharness.sh"

TOML2JSON=$FLUX_BUILD_DIR/src/common/test/toml2json

if command -v jq >/dev/null; then
    test_set_prereq JQ
fi

# check_json EXPECTED: compare toml2json's output file "out" with the
# JSON text EXPECTED, both normalised by jq -S.
check_json() {
    printf "%s\n" "$1" | jq -S . >expected &&
    jq -S . out >actual &&
    test_cmp expected actual
}

test_expect_success 'empty input gives {}' '
    "$TOML2JSON" </dev/null >out &&
    test "$(jq -c . out)" = "{}"
'

test_expect_success JQ 'an integer' '
    echo "a = 42" | "$TOML2JSON" >out &&
    check_json "{\"a\": {\"type\": \"integer\", \"value\": \"42\"}}"
'

test_expect_success JQ 'every scalar type' '
    cat >in.toml <<-\EOF &&
	s = "x\ty"
	i = -9223372036854775808
	f = 0.1
	n = -nan
	b = false
	odt = 1979-05-27 07:32:00z
	ldt = 1979-05-27T07:32:00.5
	ld = 1979-05-27
	lt = 07:32:00
	EOF
    "$TOML2JSON" <in.toml >out &&
    check_json "{
        \"s\": {\"type\": \"string\", \"value\": \"x\\ty\"},
        \"i\": {\"type\": \"integer\", \"value\": \"-9223372036854775808\"},
        \"f\": {\"type\": \"float\", \"value\": \"0.1\"},
        \"n\": {\"type\": \"float\", \"value\": \"nan\"},
        \"b\": {\"type\": \"bool\", \"value\": \"false\"},
        \"odt\": {\"type\": \"datetime\", \"value\": \"1979-05-27T07:32:00Z\"},
        \"ldt\": {\"type\": \"datetime-local\",
                  \"value\": \"1979-05-27T07:32:00.5\"},
        \"ld\": {\"type\": \"date-local\", \"value\": \"1979-05-27\"},
        \"lt\": {\"type\": \"time-local\", \"value\": \"07:32:00\"}
    }"
'

test_expect_success JQ 'tables, arrays, arrays of tables' '
    cat >in.toml <<-\EOF &&
	a.b = [1, "two"]
	[t]
	x = {y = true}
	[[aot]]
	[[aot]]
	z = 1
	EOF
    "$TOML2JSON" <in.toml >out &&
    check_json "{
        \"a\": {\"b\": [{\"type\": \"integer\", \"value\": \"1\"},
                       {\"type\": \"string\", \"value\": \"two\"}]},
        \"t\": {\"x\": {\"y\": {\"type\": \"bool\", \"value\": \"true\"}}},
        \"aot\": [{}, {\"z\": {\"type\": \"integer\", \"value\": \"1\"}}]
    }"
'

test_expect_success JQ 'a string with an escaped NUL keeps it' '
    printf "s = \"a\\\\u0000b\"\n" | "$TOML2JSON" >out &&
    grep -F "\"a\\u0000b\"" out
'

test_expect_success 'a duplicate key: exit 1, line:column: message' '
    printf "a = 1\na = 2\n" | test_expect_code 1 "$TOML2JSON" >out 2>err &&
    test_must_be_empty out &&
    grep -x "2:1: duplicate key '\''a'\''" err
'

test_expect_success 'a syntax error: exit 1, line:column: message' '
    printf "[t]\nx 1\n" | test_expect_code 1 "$TOML2JSON" 2>err &&
    grep -x "2:3: expected '\''='\'' after key" err
'

test_expect_success 'an invalid escape: exit 1' '
    printf "s = \"\\\\q\"\n" | test_expect_code 1 "$TOML2JSON" 2>err &&
    grep -F -x "1:6: invalid escape '\''\\q'\'' in string" err
'

test_expect_success 'a NUL byte: exit 1' '
    printf "a = 1\n#\000\n" | test_expect_code 1 "$TOML2JSON" 2>err &&
    grep -x "2:2: embedded NUL byte" err
'

test_expect_success 'invalid UTF-8: exit 1' '
    printf "a = \"\\355\\240\\200\"\n" | test_expect_code 1 "$TOML2JSON" 2>err &&
    grep -x "1:6: invalid UTF-8" err
'

test_expect_success 'input of exactly the size limit is read' '
    head -c 1048575 /dev/zero | tr "\\000" " " >big.toml &&
    echo >>big.toml &&
    test $(wc -c <big.toml) = 1048576 &&
    "$TOML2JSON" <big.toml >out &&
    test "$(cat out)" = "{}"
'

test_expect_success 'oversized input: exit 1, E2BIG message' '
    echo >>big.toml &&
    test_expect_code 1 "$TOML2JSON" <big.toml 2>err &&
    grep "larger than 1048576 bytes" err
'

test_expect_success 'much larger input is not read whole' '
    head -c 50000000 /dev/zero | test_expect_code 1 "$TOML2JSON" 2>err &&
    grep "larger than" err
'

test_expect_success 'too many lines: exit 1' '
    yes "" | head -n 10001 | test_expect_code 1 "$TOML2JSON" 2>err &&
    grep "more than 10000 lines" err
'

test_expect_success 'nesting deeper than 32: exit 1' '
    printf "a = %s\n" "$(printf "%0.s[" $(seq 33))" |
        test_expect_code 1 "$TOML2JSON" 2>err &&
    grep "1:37: nesting deeper than 32" err
'

test_expect_success 'extra arguments are refused' '
    test_expect_code 2 "$TOML2JSON" extra </dev/null
'

test_done
