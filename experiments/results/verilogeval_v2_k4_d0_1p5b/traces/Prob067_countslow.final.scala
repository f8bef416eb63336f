import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val slowena = IO(Input(Bool()))
    val q     = Output(UInt(4.W))
  })
  val counter = RegInit(0.U(4.W))
  val last = counter === 9.U
  when(io.slowena) { counter := Mux(last, 0.U, counter + 1.U) }
  io.q := counter
}
