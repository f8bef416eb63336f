import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val w = Input(UInt(8.W))
    val z = Output(UInt(8.W))
  })

  val state = RegInit(0.U(2.W))
  val count = RegInit(0.U(8.W))

  when(state === 0.U) {
    when(io.w) { count := count + 1.U }
    when(io.w === 0.U) { count := count }
  } .elsewhen(state === 1.U) {
    when(io.w) { count := count + 1.U }
    when(io.w === 0.U) { count := count }
  }

  when(io.clk && !io.reset) {
    when(state === 0.U) { state := 1.U }
    when(state === 1.U) { state := 0.U }
  }

  io.z := count
}
