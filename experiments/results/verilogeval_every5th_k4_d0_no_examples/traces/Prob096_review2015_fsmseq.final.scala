import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val data = Input(UInt(1.W))
    val start_shifting = Output(Bool())
  })
  val state = RegInit(0.U(2.W))
  val count = RegInit(0.U(1.W))
  when(state === 0.U) {
    when(io.data === 1.U) {
      state := 1.U
      count := 1.U
    }
  } .elsewhen(state === 1.U) {
    when(io.data === 0.U) {
      count := count + 1.U
    } .elsewhen(io.data === 1.U) {
      count := 1.U
    } .elsewhen(io.data === 0.U) {
      state := 2.U
    }
  } .elsewhen(state === 2.U) {
    when(io.data === 1.U) {
      state := 3.U
      count := 1.U
    }
  } .elsewhen(state === 3.U) {
    when(io.data === 0.U) {
      count := count + 1.U
    } .elsewhen(io.data === 1.U) {
      count := 1.U
    } .elsewhen(io.data === 0.U) {
      state := 0.U
      io.start_shifting := true.B
    }
  }
  io.start_shifting := state === 3.U
}
