/* roles.h: the roles a person holds and who a route lets in, decided in
 * one place (auth_allowed). Below http/: the dispatcher and every feature
 * ask the same question. */
#ifndef PGHERD_ROLES_H
#define PGHERD_ROLES_H

/* Roles a person holds; a visitor holds none (no account). */
enum role {
	ROLE_VISITOR, ROLE_MEMBER, ROLE_SPEAKER, ROLE_VOLUNTEER, ROLE_ORGANIZER,
	ROLE_EDITOR, ROLE_TREASURER, ROLE_ADMIN,
};

/* Who a route lets in. EVERYONE includes visitors; SIGNED_IN any account;
 * otherwise the listed roles (ALLOW(ROLE_EDITOR) | ...). Admins pass every
 * check. */
#define EVERYONE (1u << 31)
#define ALLOW(role) (1u << (role))
#define SIGNED_IN ALLOW(ROLE_MEMBER)

/* 0 when a person holding `role` may use what allows `allow`; 401 when
 * they must sign in first; 403 when their role is not enough (or nothing
 * was declared). */
unsigned auth_allowed(unsigned allow, int role);

#endif
