import chisel3._
import chisel3.util._

class ToggleFlop extends Module {
  val io = IO(new Bundle {
    val t = Input(Bool());
    val q = Output(Bool())
  })

  val holdReg = RegInit(false.B)
  when(io.t) {
    holdReg := !holdReg
  }
  io.q := holdReg
}
