import chisel3._

class ToggleFlop extends Module {
  val io = IO(new Bundle {
    val t = Input(Bool());
    val q = Output(Bool())
  })

  val flipReg = RegInit(false.B)
  when(io.t) {
    flipReg := ~flipReg
  }
  io.q := flipReg
}
