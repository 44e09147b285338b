/* banned.h: functions pgherd never calls, turned into compile errors. */
#ifndef PGHERD_BANNED_H
#define PGHERD_BANNED_H

/* Unbounded or racy C library calls; use buf_*, snprintf or the _r variants. */
#define BANNED(func) sorry_##func##_is_banned_in_pgherd
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)

#endif
