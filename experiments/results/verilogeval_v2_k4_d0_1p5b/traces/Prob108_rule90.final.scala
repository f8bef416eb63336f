import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val load  = Input(Bool())
    val data = Input(UInt(512.W))
    val q    = Output(UInt(512.W))
  })
  val q = RegInit(VecInit.fill(512)(0.U(1.W)))
  val state = RegInit(0.U(2.W))
  val lastLoad = RegInit(false.B)
  when(io.load) {
    lastLoad := true.B
    state := 0.U
  } .otherwise {
    when(lastLoad) {
      state := state + 1.U
      lastLoad := false.B
    } .otherwise {
      state := state + 1.U
    }
  }
  when(state === 1.U) {
    q := q(511) | io.data(511)
  } .elsewhen(state === 2.U) {
    q := q(511) | io.data(510)
  } .elsewhen(state === 3.U) {
    q := q(511) | io.data(499)
  } .elsewhen(state === 4.U) {
    q := q(511) | io.data(498)
  } .elsewhen(state === 5.U) {
    q := q(511) | io.data(497)
  } .elsewhen(state === 6.U) {
    q := q(511) | io.data(496)
  } .elsewhen(state === 7.U) {
    q := q(511) | io.data(495)
  } .elsewhen(state === 8.U) {
    q := q(511) | io.data(494)
  } .elsewhen(state === 9.U) {
    q := q(511) | io.data(493)
  } .elsewhen(state === 10.U) {
    q := q(511) | io.data(492)
  } .elsewhen(state === 11.U) {
    q := q(511) | io.data(491)
    state := 0.U
  }
  io.q := q
}
