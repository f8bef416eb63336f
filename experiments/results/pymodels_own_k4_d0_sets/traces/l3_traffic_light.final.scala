import chisel3._
import chisel3.util._

class TrafficLight extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool());
    val light = Output(UInt(2.W));
    val timer = Output(UInt(3.W))
  })

  val timerReg = RegInit(4.U(3.W))
  val lightReg = RegInit(0.U(2.W))

  when(io.en) {
    switch(lightReg) {
      is(0.U) {
        when(timerReg === 0.U) {
          lightReg := 1.U
          timerReg := 3.U - 1.U
        }
        otherwise {
          timerReg := timerReg - 1.U
        }
      }
      is(1.U) {
        when(timerReg === 0.U) {
          lightReg := 2.U
          timerReg := 3.U - 1.U
        }
        otherwise {
          timerReg := timerReg - 1.U
        }
      }
      is(2.U) {
        when(timerReg === 0.U) {
          lightReg := 0.U
          timerReg := 3.U - 1.U
        }
        otherwise {
          timerReg := timerReg - 1.U
        }
      }
    }
  }
  io.light := lightReg.asUInt
  io.timer := timerReg.asUInt
}
