/* placeholder, replaced by the real module */
typedef int placeholder_pathsec;
