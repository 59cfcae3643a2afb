#!/bin/sh
test_description='placeholder'
. "$(dirname "$0")/sharness.sh"
test_expect_success 'placeholder' 'true'
test_done
