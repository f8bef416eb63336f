import chisel3._
import chisel3.util._

class ToggleFlop extends Module {
  val io = IO(new Bundle {
    val t = Input(Bool());
    val q = Output(Bool())
  })

  val register = RegInit(false.B)

  when(io.t) {
    register := !register
  }
  io.q := register
}
