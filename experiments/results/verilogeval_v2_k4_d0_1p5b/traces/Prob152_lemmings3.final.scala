import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val bump_left = Input(Bool())
    val bump_right = Input(Bool())
    val ground = Input(Bool())
    val dig = Input(Bool())
    val walk_left = Output(Bool())
    val walk_right = Output(Bool())
    val aaah = Output(Bool())
    val digging = Output(Bool())
  })
  val state = RegInit(0.U(2.W)) // 0: walking left, 1: walking right
  val walking = RegInit(false.B)
  val falling = RegInit(false.B)
  val digging = RegInit(false.B)
  val ground = RegInit(true.B) // initial ground state

  // FSM states
  val WalkingLeft = 0.U
  val WalkingRight = 1.U
  val Falling = 2.U
  val Digging = 3.U

  // FSM transitions
  when(state === WalkingLeft && io.bump_left) {
    state := WalkingRight
  }
  when(state === WalkingRight && io.bump_right) {
    state := WalkingLeft
  }
  when(state === WalkingLeft && ground) {
    state := Falling
  }
  when(state === WalkingRight && ground) {
    state := Falling
  }
  when(state === Falling && ground) {
    state := Digging
  }
  when(state === Digging && ground) {
    state := Falling
  }
  when(state === Digging && !ground) {
    state := WalkingLeft
  }
  when(state === Digging && !ground && falling) {
    state := WalkingLeft
  }
  when(state === Digging && !ground && !falling) {
    state := WalkingLeft
  }

  // FSM outputs
  when(state === WalkingLeft) {
    walking := true.B
    falling := false.B
    digging := false.B
  }
  when(state === WalkingRight) {
    walking := true.B
    falling := false.B
    digging := false.B
  }
  when(state === Falling) {
    walking := false.B
    falling := true.B
    digging := false.B
  }
  when(state === Digging) {
    walking := false.B
    falling := false.B
    digging := true.B
  }

  io.walk_left := walking
  io.walk_right := !walking
  io.aaah := falling
  io.digging := digging
}
